#!/usr/bin/env python3
"""Checks docs/apphost.schema.json against the repo's manifests and a table of snippets.

Validates every manifests/**/apphost.yaml and every Tests/AppModelTests/Fixtures/valid/*.yaml
(when that folder exists) against the schema, and checks that each snippet below is accepted or
rejected as it should be. Prints one line per failure and `N passed, M failed`; exits 1 on any
failure, 2 when PyYAML or jsonschema is missing.

YAML is read with the YAML 1.2 core schema, as aspire reads it (libyaml + its own resolution):
only true/false are booleans (`restart: no` is the string "no"), no sexagesimal numbers.
"""

import json
import re
import sys
import textwrap
from pathlib import Path

try:
    import yaml
    import jsonschema
except ImportError as error:  # pragma: no cover
    print(f"check_schema: {error}; run `make deps` (pip install jsonschema pyyaml)", file=sys.stderr)
    sys.exit(2)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "docs" / "apphost.schema.json"


# MARK: - A YAML 1.2 core-schema loader


class CoreSchemaLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema resolution instead of YAML 1.1's."""


CoreSchemaLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers
          if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
CoreSchemaLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def construct_bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def construct_int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


CoreSchemaLoader.add_constructor("tag:yaml.org,2002:bool", construct_bool)
CoreSchemaLoader.add_constructor("tag:yaml.org,2002:int", construct_int)


def load(text):
    return yaml.load(text, Loader=CoreSchemaLoader)


# MARK: - Snippets

VALID = {
    "minimal": """
        resources:
          api: { type: executable, command: python3 }
    """,
    "empty resources": "resources: {}",
    "x- keys at every level": """
        x-common: &common { restart: on-failure }
        name: shop
        resources:
          x-note: not a resource
          api:
            type: project
            path: ./api
            x-owner: team-a
            endpoints:
              x-comment: not an endpoint
              http: { port: 8080, x-why: fixed for the demo }
            healthCheck: { http: /health, x-note: fine }
            restart: { policy: always, x-note: fine }
            references: [{ resource: db, x-note: fine }]
          db: { type: postgres, databases: [appdb] }
    """,
    "every field of a project": """
        resources:
          cache: { type: redis }
          api:
            type: project
            path: ./api
            command: npm
            args: [run, dev, "--port={api.endpoints.http.targetPort}", 42, true]
            env: { A: "1", B: 2, C: true, D: "{cache.connectionString}", E: null }
            references: [cache, { resource: cache, connectionName: redis, optional: true }]
            waitFor: [cache]
            waitForCompletion: []
            endpoints:
              http: { scheme: http, port: 8080, env: PORT, external: true }
              metrics:
              grpc: { scheme: https }
            external: true
            healthCheck: { http: /health, endpoint: http, interval: 5s, timeout: 500ms, retries: 3, startPeriod: 1m30s }
            restart: { policy: on-failure, maxRestarts: 5 }
            replicas: 2
            workingDir: ./api
            envFile: ./api/.env
    """,
    "watch and explicitStart": """
        resources:
          a: { type: executable, command: x, watch: true, explicitStart: true }
          b:
            type: project
            path: ./b
            watch: { paths: [./b, ./shared], ignore: ["*.log", tmp/], action: restart, debounce: 300ms, restartDependents: true }
          c: { type: container, build: { context: ./c }, watch: { action: rebuild } }
          d: { type: redis, explicitStart: true }
    """,
    "lifetime on containers and well-known servers": """
        resources:
          db: { type: postgres, lifetime: persistent }
          cache: { type: redis, runtime: native, lifetime: session }
          q: { type: rabbitmq, lifetime: persistent }
          web: { type: container, image: nginx, lifetime: persistent }
    """,
    "project with only a command": """
        resources:
          api: { type: project, command: ./run.sh }
    """,
    "command as a list, as compose and Kubernetes write it": """
        resources:
          cache: { type: redis }
          a: { type: executable, command: [python3, app.py, "--redis={cache.connectionString}"], args: [-v] }
          b: { type: project, path: ./b, command: [uvicorn, "main:app", 8000] }
          c: { type: executable, command: ["/opt/My App/run"] }
    """,
    "merge keys in env, endpoints and a resource": """
        x-env: &common { A: "1", B: "1" }
        x-service: &service { type: executable, command: x }
        resources:
          a:
            <<: *service
            env: { <<: *common, B: "2" }
            endpoints: {}
    """,
    "env in compose's list form": """
        resources:
          api: { type: executable, command: env, env: ["A=1", "B=two=2"] }
    """,
    "restart forms": """
        resources:
          a: { type: executable, command: "true", restart: no }
          b: { type: executable, command: "true", restart: "no" }
          c: { type: executable, command: "true", restart: always }
          d: { type: executable, command: "true", restart: { maxRestarts: 0 } }
    """,
    "health check kinds": """
        resources:
          a: { type: executable, command: x, healthCheck: { tcp: http } }
          b: { type: executable, command: x, healthCheck: { tcp: true } }
          c: { type: executable, command: x, healthCheck: { exec: [pg_isready, -q] } }
          d: { type: executable, command: x, healthCheck: { http: /, interval: 2, timeout: 0.5 } }
    """,
    "durations": """
        resources:
          a: { type: executable, command: x, healthCheck: { http: /, interval: 1h, timeout: 250us, startPeriod: "1.5s" } }
    """,
    "interpolated numbers": """
        resources:
          a:
            type: executable
            command: x
            replicas: ${REPLICAS:-2}
            endpoints: { http: { port: "${API_PORT:-8080}" } }
    """,
    "container with build": """
        resources:
          web:
            type: container
            build: { context: ./web, dockerfile: Dockerfile.dev }
            entrypoint: /bin/sh
            args: [-c, "exec nginx"]
            endpoints: { http: { targetPort: 80 } }
            volumes: [{ target: /cache }, { name: data, target: /data, readOnly: true }]
            bindMounts: [{ source: ./conf, target: /etc/conf, readOnly: true }]
    """,
    "well-known servers": """
        resources:
          pw: { type: parameter, secret: true, generate: { length: 22, special: false } }
          cache: { type: redis, runtime: native, port: 6380, password: "{pw.value}", args: [--maxmemory, 64mb] }
          pg: { type: postgres, runtime: auto, image: docker.io/library/postgres, tag: 17, databases: { catalogdb: catalog } }
          pg2: { type: postgres, runtime: container, databases: [a, b-c], healthCheck: { exec: [pg_isready] } }
          mc: { type: memcached, runtime: native, port: 11311, args: [-m, "128"] }
          mc2: { type: memcached, runtime: container, tag: "1.6" }
          kv: { type: valkey, runtime: auto, password: "{pw.value}", tag: "8" }
          cloud: { type: aws, runtime: native, region: eu-west-1, buckets: [uploads], queues: { jobs: jobs.fifo }, tables: [orders] }
    """,
    "integrations: nats with jetstream, mysql databases": """
        resources:
          bus: { type: nats, runtime: native, jetstream: true }
          bus2: { type: nats, jetstream: false }
          db: { type: mysql, databases: { orders: order-db } }
    """,
    "parameters, connection strings, externals": """
        resources:
          p1: { type: parameter }
          p2: { type: parameter, default: 42 }
          p3: { type: parameter, secret: true, generate: { length: 8, lower: false, upper: false } }
          cs: { type: connectionString, value: "Host=db;Password={p3.value}" }
          cs2: { type: connectionString }
          ext: { type: external, url: "https://example.com" }
    """,
    "names: 64 characters, digits, single hyphens": """
        name: my-app-2
        resources:
          a23456789012345678901234567890123456789012345678901234567890abcd: { type: parameter }
          web-frontend-2: { type: parameter }
    """,
}

INVALID = {
    "jetstream that is not a boolean": """
        resources:
          bus: { type: nats, jetstream: "yes" }
    """,
    "jetstream on a type without it": """
        resources:
          mc: { type: memcached, jetstream: true }
    """,
    "lifetime on a project": """
        resources:
          a: { type: project, path: ./a, lifetime: persistent }
    """,
    "an unknown lifetime": """
        resources:
          cache: { type: redis, lifetime: forever }
    """,
    "watch with an unknown action": """
        resources:
          a: { type: executable, command: x, watch: { action: reload } }
    """,
    "watch with an unknown key": """
        resources:
          a: { type: executable, command: x, watch: { path: [./a] } }
    """,
    "an empty command list": """
        resources:
          a: { type: executable, command: [] }
    """,
    "a command mapping": """
        resources:
          a: { type: executable, command: { program: x } }
    """,
    "no resources": "name: app",
    "unknown top-level key": """
        resources: {}
        servcies: {}
    """,
    "unknown resource key": """
        resources:
          api: { type: executable, command: x, enviroment: { A: "1" } }
    """,
    "resource without type": """
        resources:
          api: { command: x }
    """,
    "unknown type": """
        resources:
          api: { type: service, command: x }
    """,
    "name starting with a digit": "resources: { 1api: { type: parameter } }",
    "name with underscore": "resources: { my_api: { type: parameter } }",
    "name with two hyphens": "resources: { my--api: { type: parameter } }",
    "name ending with a hyphen": "resources: { api-: { type: parameter } }",
    "name of 65 characters": "resources: { a234567890123456789012345678901234567890123456789012345678901234x: { type: parameter } }",
    "bad app name": "{ name: my_app, resources: {} }",
    "executable without command": "resources: { api: { type: executable, args: [x] } }",
    "project without path or command": "resources: { api: { type: project, env: { A: b } } }",
    "container without image or build": "resources: { web: { type: container } }",
    "container with image and build": "resources: { web: { type: container, image: nginx, build: { context: . } } }",
    "build without context": "resources: { web: { type: container, build: { dockerfile: Dockerfile } } }",
    "bind mount without target": "resources: { web: { type: container, image: nginx, bindMounts: [{ source: . }] } }",
    "redis with a project field": "resources: { cache: { type: redis, path: ./cache } }",
    "redis with references": "resources: { cache: { type: redis, references: [x] } }",
    "bad runtime": "resources: { cache: { type: redis, runtime: docker } }",
    "memcached with a password": "resources: { mc: { type: memcached, password: x } }",
    "memcached with databases": "resources: { mc: { type: memcached, databases: [a] } }",
    "valkey with databases": "resources: { kv: { type: valkey, databases: [a] } }",
    "aws with databases": "resources: { cloud: { type: aws, databases: [a] } }",
    "aws with a bad region": "resources: { cloud: { type: aws, region: US_EAST } }",
    "parameter with default and generate": "resources: { p: { type: parameter, default: x, generate: { length: 3 } } }",
    "generate with no characters": """
        resources:
          p: { type: parameter, generate: { lower: false, upper: false, numeric: false, special: false } }
    """,
    "generate length 0": "resources: { p: { type: parameter, generate: { length: 0 } } }",
    "parameter with env": "resources: { p: { type: parameter, env: { A: b } } }",
    "external without url": "resources: { e: { type: external } }",
    "port out of range": "resources: { a: { type: executable, command: x, endpoints: { http: { port: 70000 } } } }",
    "port zero": "resources: { a: { type: executable, command: x, endpoints: { http: { targetPort: 0 } } } }",
    "udp is fine but ftp is not": "resources: { a: { type: executable, command: x, endpoints: { f: { scheme: ftp } } } }",
    "unknown endpoint key": "resources: { a: { type: executable, command: x, endpoints: { http: { host: 0.0.0.0 } } } }",
    "bad endpoint name": "resources: { a: { type: executable, command: x, endpoints: { my_http: { port: 80 } } } }",
    "endpoint env not a variable name": "resources: { a: { type: executable, command: x, endpoints: { http: { env: my-port } } } }",
    "two health check kinds": "resources: { a: { type: executable, command: x, healthCheck: { http: /h, tcp: http } } }",
    "no health check kind": "resources: { a: { type: executable, command: x, healthCheck: { interval: 5s } } }",
    "relative health path": "resources: { a: { type: executable, command: x, healthCheck: { http: health } } }",
    "bad duration": "resources: { a: { type: executable, command: x, healthCheck: { http: /, interval: 5 sec } } }",
    "retries zero": "resources: { a: { type: executable, command: x, healthCheck: { http: /, retries: 0 } } }",
    "bad restart": "resources: { a: { type: executable, command: x, restart: sometimes } }",
    "negative maxRestarts": "resources: { a: { type: executable, command: x, restart: { maxRestarts: -1 } } }",
    "replicas zero": "resources: { a: { type: executable, command: x, replicas: 0 } }",
    "negative replicas": "resources: { a: { type: executable, command: x, replicas: -1 } }",
    "env as a string": "resources: { a: { type: executable, command: x, env: A=1 } }",
    "env value as a list": "resources: { a: { type: executable, command: x, env: { A: [1, 2] } } }",
    "env list item without =": "resources: { a: { type: executable, command: x, env: [A] } }",
    "args as a string": "resources: { a: { type: executable, command: x, args: --verbose } }",
    "reference object without resource": "resources: { a: { type: executable, command: x, references: [{ connectionName: c }] } }",
    "waitFor as a string": "resources: { a: { type: executable, command: x, waitFor: b } }",
    "waitFor bad name": "resources: { a: { type: executable, command: x, waitFor: [b_c] } }",
    "resources as a list": "resources: [a, b]",
}


# MARK: - Running


def main():
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    passed, failures = 0, []

    def first_error(document):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        return errors[0] if errors else None

    files = sorted(ROOT.glob("manifests/**/apphost.yaml"))
    fixtures = ROOT / "Tests" / "AppModelTests" / "Fixtures" / "valid"
    if fixtures.is_dir():
        files += sorted(fixtures.glob("*.yaml")) + sorted(fixtures.glob("*.yml"))
    if not any(ROOT.glob("manifests/**/apphost.yaml")):
        failures.append("no manifests/**/apphost.yaml found")
    for path in files:
        label = path.relative_to(ROOT)
        try:
            error = first_error(load(path.read_text()))
        except yaml.YAMLError as problem:
            failures.append(f"{label}: YAML error: {problem}")
            continue
        if error is None:
            passed += 1
        else:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            failures.append(f"{label}: invalid at {where}: {error.message}")

    for title, text in VALID.items():
        error = first_error(load(textwrap.dedent(text)))
        if error is None:
            passed += 1
        else:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            failures.append(f"valid snippet '{title}' rejected at {where}: {error.message}")

    for title, text in INVALID.items():
        if first_error(load(textwrap.dedent(text))) is not None:
            passed += 1
        else:
            failures.append(f"invalid snippet '{title}' was accepted")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"schema: {passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
