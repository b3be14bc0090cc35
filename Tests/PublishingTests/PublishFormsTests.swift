import AppModel
import AppState
import Foundation
import Publishing
import Testing
import YAMLSource

/// The forms older engines read, behind flags: `--compose-compat v1` (docker-compose 1.29) and
/// `--kube-play` (podman kube play 4.3). The default output is unchanged by either. The runs
/// themselves are in aspireTests' PublishRunsSlowTests.
@Suite struct PublishFormsTests {
    private func publish(_ app: SampleApp, _ target: PublishTarget, compose: ComposeFormat = .spec, kubePlay: Bool = false, folder: String)
        throws -> PublishReport
    {
        let output = (app.directory as NSString).appendingPathComponent("out/\(folder)")
        return try Publisher.publish(app.manifest, options: PublishOptions(target: target, outputDirectory: output, composeFormat: compose, kubePlay: kubePlay))
    }

    @Test("compose v1: no top-level name, COMPOSE_PROJECT_NAME in .env, generated Dockerfiles as files the build names; the rest as the spec form")
    func composeV1() throws {
        let app = try SampleApp.make()
        let spec = try publish(app, .compose, folder: "spec")
        let v1 = try publish(app, .compose, compose: .v1, folder: "v1")
        let text = try v1.text("docker-compose.yaml")
        #expect(!text.contains("\nname:") && !text.contains("dockerfile_inline"))
        #expect(try spec.text("docker-compose.yaml").contains("\nname: shop\n"))
        let env = DotEnv.parse(try v1.text(".env"))
        #expect(env.first?.0 == "COMPOSE_PROJECT_NAME" && env.first?.1 == "shop")
        // The api's generated Dockerfile is a file; its path is relative to the build context.
        let dockerfile = try v1.text("apiservice.Dockerfile")
        #expect(dockerfile.hasPrefix("FROM python:3.12-slim"))
        let document = try #require(YAMLDocument(string: text, file: "c").root)
        let build = try #require(document.at("services", "apiservice", "build"))
        #expect(build.at("dockerfile")?.scalar == "../out/v1/apiservice.Dockerfile")
        #expect(build.at("context")?.scalar == "../../api")
        #expect(v1.images.first { $0.tag == "shop-apiservice:latest" }?.generatedDockerfile == dockerfile)
        // Only what 1.29 rejects differs.
        #expect(document.at("services", "webfrontend", "depends_on", "apiservice", "condition")?.scalar == "service_healthy")
    }

    @Test("compose v1 is accepted by docker-compose 1.x's `config`", .enabled(if: Tool.has("docker-compose")))
    func dockerComposeConfig() throws {
        let app = try SampleApp.make()
        _ = try publish(app, .compose, compose: .v1, folder: "v1")
        let output = (app.directory as NSString).appendingPathComponent("out/v1")
        let result = try Tool.run("/bin/sh", ["-c", "cd '\(output)' && docker-compose config -q 2>&1"])
        #expect(result.status == 0, "\(result.stdout)")
    }

    @Test("--kube-play adds kube-play.yaml (0600) and leaves every default file as it was")
    func kubePlayAddsOneFile() throws {
        let app = try SampleApp.make()
        let plain = try publish(app, .kubernetes, folder: "k")
        let play = try publish(app, .kubernetes, kubePlay: true, folder: "k")
        #expect(play.files.map(\.path) == plain.files.map(\.path) + ["kube-play.yaml"])
        for file in plain.files { #expect(play[file.path]?.contents == file.contents, "\(file.path)") }
        #expect(play["kube-play.yaml"]?.mode == 0o600)
    }

    @Test("kube-play.yaml: Pods named as services, in waitFor order; no Service, Ingress, PVC, Secret or probe; hostPort on loopback; values put in")
    func kubePlayForm() throws {
        let app = try SampleApp.make()
        let report = try publish(app, .kubernetes, kubePlay: true, folder: "k")
        let text = try report.text("kube-play.yaml")
        let documents = try text.components(separatedBy: "\n---\n").map { try #require(YAMLDocument(string: $0, file: "kube-play.yaml").root) }
        let kinds = Set(documents.compactMap { $0.at("kind")?.scalar })
        #expect(kinds == ["Pod", "ConfigMap"])
        let pods = documents.filter { $0.at("kind")?.scalar == "Pod" }.compactMap { $0.at("metadata", "name")?.scalar }
        // Each pod after what it waits for: the cache and the api before the frontend, pg before its databases.
        for (before, after) in [("cache", "webfrontend"), ("apiservice", "webfrontend"), ("pg", "pg-databases"), ("migrate", "worker"), ("legacy", "proxy")] {
            let first = try #require(pods.firstIndex(of: before)), second = try #require(pods.firstIndex(of: after))
            #expect(first < second, "\(before) before \(after)")
        }
        #expect(!text.contains("Probe:") && !text.contains("secretKeyRef") && !text.contains("$(ASPIRE_SECRET") && !text.contains("$$"))
        // Secret values are written in; the plain `$` of PRICE stays one `$`.
        let secrets = DotEnv.parse(try report.text("secrets.env"))
        let cache = try #require(secrets.first { $0.0 == "CACHE_PASSWORD" }?.1)
        #expect(text.contains("value: cache:6379,password=\(cache)"))
        #expect(text.contains("PRICE: 'cost: $5'") || text.contains("PRICE: cost: $5"))
        // Only external endpoints have ports, each on 127.0.0.1.
        let proxy = try #require(documents.first { $0.at("kind")?.scalar == "Pod" && $0.at("metadata", "name")?.scalar == "proxy" })
        let port = try #require(proxy.at("spec", "containers")?.items.first?.at("ports")?.items.first)
        #expect(port.at("hostPort")?.scalar == "8080" && port.at("containerPort")?.scalar == "80" && port.at("hostIP")?.scalar == "127.0.0.1")
        let api = try #require(documents.first { $0.at("metadata", "name")?.scalar == "apiservice" && $0.at("kind")?.scalar == "Pod" })
        #expect(api.at("spec", "containers")?.items.first?.at("ports") == nil)
        // The redis data lives in a claim podman makes a volume of.
        let redis = try #require(documents.first { $0.at("metadata", "name")?.scalar == "cache" && $0.at("kind")?.scalar == "Pod" })
        #expect(redis.at("spec", "volumes")?.items.first?.at("persistentVolumeClaim", "claimName")?.scalar == "shop-cache-data")
        #expect(text.contains("timeout 5 nc -w 2 cache 6379") && text.contains("gave up waiting for cache"))
        let web = try #require(documents.first { $0.at("metadata", "name")?.scalar == "webfrontend" && $0.at("kind")?.scalar == "Pod" })
        #expect(web.at("metadata", "annotations", "io.podman.annotations.init.container.type")?.scalar == "always")
        #expect(report.notes.contains { $0.resource == "worker" && $0.message.contains("kube-play.yaml runs one pod") })
    }
}
