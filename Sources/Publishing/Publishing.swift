// The publishers (aspire-manifest.json, docker compose, Kubernetes) go here.
