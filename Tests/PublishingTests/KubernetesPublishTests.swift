import AppModel
import Foundation
import Publishing
import Testing
import YAMLSource

@Suite struct KubernetesPublishTests {
    /// Structure checks with PyYAML: every object has apiVersion/kind/metadata.name; workload
    /// selectors match their pod labels; every Service selects a workload and targets named
    /// container ports; every Ingress backend is a Service port; every configMapRef and
    /// secretKeyRef exists; no ConfigMap holds a secret value.
    static let structureScript = #"""
        import glob, os, sys, yaml
        folder = sys.argv[1]
        problems = []
        objects = []
        # all.yaml is the kustomization rendered, Secret included (0600): KubernetesRenderedTests checks it.
        for path in sorted(p for p in glob.glob(os.path.join(folder, "*.yaml")) if not p.endswith("/all.yaml")):
            if os.path.basename(path) == "kustomization.yaml":
                continue
            for doc in yaml.safe_load_all(open(path)):
                objects.append((os.path.basename(path), doc))
        secrets = {}
        if os.path.exists(os.path.join(folder, "secrets.env")):
            for line in open(os.path.join(folder, "secrets.env")):
                if line.strip() and not line.startswith("#"):
                    key, _, value = line.rstrip("\n").partition("=")
                    secrets[key] = value
        kustomization = yaml.safe_load(open(os.path.join(folder, "kustomization.yaml")))
        secret_names = {g["name"] for g in kustomization.get("secretGenerator", [])}
        by_kind = {}
        for path, doc in objects:
            for field in ("apiVersion", "kind"):
                if not doc.get(field):
                    problems.append(f"{path}: missing {field}")
            if not (doc.get("metadata") or {}).get("name"):
                problems.append(f"{path}: missing metadata.name")
            by_kind.setdefault(doc["kind"], {})[doc["metadata"]["name"]] = doc
        def pod(doc):
            return doc["spec"]["template"]
        workloads = {}
        for kind in ("Deployment", "StatefulSet"):
            for name, doc in by_kind.get(kind, {}).items():
                selector = doc["spec"]["selector"]["matchLabels"]
                labels = pod(doc)["metadata"]["labels"]
                if any(labels.get(k) != v for k, v in selector.items()):
                    problems.append(f"{kind} {name}: selector {selector} does not match pod labels {labels}")
                workloads[name] = doc
        for name, doc in by_kind.get("Job", {}).items():
            workloads[name] = doc
        for name, service in by_kind.get("Service", {}).items():
            selector = service["spec"]["selector"]
            targets = [w for w in workloads.values() if all(pod(w)["metadata"]["labels"].get(k) == v for k, v in selector.items())]
            if len(targets) != 1:
                problems.append(f"Service {name} selects {len(targets)} workloads")
                continue
            ports = {p["name"]: p["containerPort"] for c in pod(targets[0])["spec"]["containers"] for p in c.get("ports", [])}
            for port in service["spec"]["ports"]:
                if port["targetPort"] not in ports:
                    problems.append(f"Service {name}: targetPort {port['targetPort']} is not a container port")
                elif ports[port["targetPort"]] != port["port"]:
                    problems.append(f"Service {name}: port {port['port']} differs from the container's {ports[port['targetPort']]}")
        for name, ingress in by_kind.get("Ingress", {}).items():
            for rule in ingress["spec"]["rules"]:
                for path in rule["http"]["paths"]:
                    backend = path["backend"]["service"]
                    service = by_kind.get("Service", {}).get(backend["name"])
                    if not service or backend["port"]["name"] not in [p["name"] for p in service["spec"]["ports"]]:
                        problems.append(f"Ingress {name}: backend {backend} is not a Service port")
        config_maps = by_kind.get("ConfigMap", {})
        for name, doc in workloads.items():
            spec = pod(doc)["spec"]
            for container in spec["containers"] + spec.get("initContainers", []):
                for source in container.get("envFrom", []):
                    if "configMapRef" in source and source["configMapRef"]["name"] not in config_maps:
                        problems.append(f"{name}: ConfigMap {source['configMapRef']['name']} does not exist")
                    if "secretRef" in source and source["secretRef"]["name"] not in secret_names:
                        problems.append(f"{name}: Secret {source['secretRef']['name']} is not generated")
                for variable in container.get("env", []):
                    ref = (variable.get("valueFrom") or {}).get("secretKeyRef")
                    if ref and (ref["name"] not in secret_names or ref["key"] not in secrets):
                        problems.append(f"{name}: secretKeyRef {ref} does not exist")
        for name, config_map in config_maps.items():
            for key, value in (config_map.get("data") or {}).items():
                if not isinstance(value, str):
                    problems.append(f"ConfigMap {name}: {key} is not a string")
                for secret in secrets.values():
                    if secret and secret in value:
                        problems.append(f"ConfigMap {name}: {key} holds a secret")
        # all.yaml is the kustomization rendered, Secret included (0600): KubernetesRenderedTests checks it.
        for path in sorted(p for p in glob.glob(os.path.join(folder, "*.yaml")) if not p.endswith("/all.yaml")):
            text = open(path).read()
            for key, secret in secrets.items():
                if secret and secret in text:
                    problems.append(f"{os.path.basename(path)} holds the value of {key}")
        print("\n".join(problems))
        sys.exit(1 if problems else 0)
        """#

    @Test("objects are well formed: names, selectors, ports, references", .enabled(if: Tool.hasPython("yaml")))
    func structure() throws {
        let (_, output) = try SampleApp.make().publish(.kubernetes)
        let result = try Tool.python(Self.structureScript, [output])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test("kubectl kustomize builds it and kubernetes-validate --strict accepts it", .enabled(if: Tool.has("kubectl") && Tool.has("kubernetes-validate")))
    func kubectlAndValidate() throws {
        let (_, output) = try SampleApp.make().publish(.kubernetes)
        let built = try Tool.run("kubectl", ["kustomize", output])
        #expect(built.status == 0, "\(built.stderr)")
        let file = output + "/../built.yaml"
        try built.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(built.stdout.contains("kind: Secret"))
        let validated = try Tool.run("kubernetes-validate", ["--strict", file])
        #expect(validated.status == 0, "\(validated.stdout)\(validated.stderr)")
    }

    @Test("env names Service DNS names; secrets come from the Secret, inside values by $(…)")
    func environment() throws {
        let (report, output) = try SampleApp.make().publish(.kubernetes)
        let documents = try Self.documents(report.text("webfrontend.yaml"))
        let configMap = try #require(documents.first { $0["kind"]?.scalar == "ConfigMap" })
        #expect(configMap.at("data", "services__apiservice__http__0")?.scalar == "http://apiservice:8080")
        #expect(configMap.at("data", "CACHE_HOST")?.scalar == "cache")
        #expect(configMap.at("data", "ConnectionStrings__cache") == nil)
        let deployment = try #require(documents.first { $0["kind"]?.scalar == "Deployment" })
        let container = try #require(deployment.at("spec", "template", "spec", "containers")?.items.first)
        let env = try #require(container["env"]?.items)
        let names = env.compactMap { $0["name"]?.scalar }
        // The helper holding the secret comes before the value that uses it.
        let helper = try #require(names.firstIndex(of: "ASPIRE_SECRET_CACHE_PASSWORD"))
        let connection = try #require(names.firstIndex(of: "ConnectionStrings__cache"))
        #expect(helper < connection)
        #expect(env[connection]["value"]?.scalar == "cache:6379,password=$(ASPIRE_SECRET_CACHE_PASSWORD)")
        #expect(env[helper].at("valueFrom", "secretKeyRef", "key")?.scalar == "CACHE_PASSWORD")
        #expect(env[helper].at("valueFrom", "secretKeyRef", "name")?.scalar == "shop-secrets")
        let mode = try FileManager.default.attributesOfItem(atPath: output + "/secrets.env")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A plain parameter is a plain value; a literal `$` needs no escaping in a ConfigMap.
        let api = try Self.documents(report.text("apiservice.yaml"))
        let apiConfig = try #require(api.first { $0["kind"]?.scalar == "ConfigMap" })
        #expect(apiConfig.at("data", "REGION")?.scalar == "no")
        #expect(apiConfig.at("data", "REGION")?.isQuotedOrTaggedString == true)
        #expect(apiConfig.at("data", "PRICE")?.scalar == "cost: $5")
    }

    @Test("workloads: replicas, StatefulSets with claims for servers, a Job for databases, init containers for waitFor, probes, Ingress")
    func workloads() throws {
        let (report, _) = try SampleApp.make().publish(.kubernetes)
        let worker = try Self.documents(report.text("worker.yaml"))
        #expect(worker.first { $0["kind"]?.scalar == "Deployment" }?.at("spec", "replicas")?.int == 2)
        let pg = try Self.documents(report.text("pg.yaml"))
        #expect(pg.map { $0["kind"]?.scalar ?? "" } == ["ConfigMap", "StatefulSet", "Service", "Job"])
        #expect(pg[1].at("spec", "volumeClaimTemplates")?.items.first?.at("metadata", "name")?.scalar == "data")
        #expect(pg[3].at("metadata", "name")?.scalar == "pg-databases")
        let api = try Self.documents(report.text("apiservice.yaml"))
        let pod = try #require(api.first { $0["kind"]?.scalar == "Deployment" }?.at("spec", "template", "spec"))
        let wait = try #require(pod["initContainers"]?.items.first)
        #expect(wait["name"]?.scalar == "wait-for-catalogdb")
        let query = #"'SELECT 1 FROM pg_database WHERE datname = '\''catalogdb'\'''"#
        #expect(wait["args"]?.items.first?.scalar?.hasPrefix("until psql -h pg -U postgres -tAc \(query) | grep -q 1;") == true)
        let probe = try #require(pod["containers"]?.items.first?["readinessProbe"])
        #expect(probe.at("httpGet", "path")?.scalar == "/health")
        #expect(probe.at("httpGet", "port")?.scalar == "http")
        let web = try Self.documents(report.text("webfrontend.yaml"))
        #expect(web.contains { $0["kind"]?.scalar == "Ingress" })
        #expect(!api.contains { $0["kind"]?.scalar == "Ingress" })
        let migrate = try Self.documents(report.text("migrate.yaml"))
        #expect(migrate.contains { $0["kind"]?.scalar == "Job" })
        let labels = try #require(web.first?.at("metadata", "labels"))
        #expect(labels["app.kubernetes.io/part-of"]?.scalar == "shop")
        #expect(labels["app.kubernetes.io/managed-by"]?.scalar == "aspire")
        let kustomization = try report.text("kustomization.yaml")
        #expect(kustomization.contains("- secrets.env") && kustomization.contains("disableNameSuffixHash: true"))
    }

    @Test("publishing again gives byte-identical files")
    func deterministic() throws {
        let app = try SampleApp.make()
        let (first, output) = try app.publish(.kubernetes)
        let (second, _) = try app.publish(.kubernetes, into: output)
        #expect(first.files == second.files)
    }

    /// The documents of a multi-document file, each parsed by the YAML shim.
    static func documents(_ text: String) throws -> [YAMLNode] {
        var documents: [YAMLNode] = []
        for chunk in text.components(separatedBy: "\n---\n") {
            let document = YAMLDocument(string: chunk, file: "k8s.yaml")
            #expect(document.errors.isEmpty, "\(document.errors)")
            documents.append(try #require(document.root))
        }
        return documents
    }
}
