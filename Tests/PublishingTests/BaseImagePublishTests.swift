import AppModel
import Foundation
import Publishing
import Testing
import YAMLSource

/// `--base-image KIND=IMAGE`: every generated Dockerfile's `FROM` and every well-known service's
/// image follow it, in every target; a resource's own image wins; the defaults are untouched.
@Suite struct BaseImagePublishTests {
    static let yaml = """
        name: base
        resources:
          cache: { type: redis }
          own: { type: redis, image: example/redis, tag: "1" }
          pg: { type: postgres }
          vk: { type: valkey }
          mc: { type: memcached }
          py: { type: project, path: ./py }
          js: { type: project, path: ./js }
          gosvc: { type: project, path: ./gosvc }
          script: { type: executable, command: python3, args: [run.py], workingDir: ./py }
          nodetool: { type: executable, command: node, args: [x.js], workingDir: ./js }
          gotool: { type: executable, command: go, args: [run, .], workingDir: ./gosvc }
          psqltool: { type: executable, command: psql, workingDir: ./sql }
          redistool: { type: executable, command: redis-cli, workingDir: ./sql }
        """
    static let files = [
        "py/app.py": "\n", "js/package.json": "{\"name\": \"js\"}\n", "gosvc/go.mod": "module x\n", "sql/init.sql": "\n",
    ]
    static let overrides = [
        "python=local/python:t", "node=local/node:t", "go=local/go:t", "alpine=local/alpine:t", "redis=local/redis:t",
        "postgres=local/postgres:t", "valkey=local/valkey:t", "memcached=local/memcached:t",
    ]

    private func publish(_ target: PublishTarget, _ arguments: [String]) throws -> PublishReport {
        let app = try SampleApp.make(Self.yaml, files: Self.files)
        let output = (app.directory as NSString).appendingPathComponent("out/\(target.rawValue)")
        let options = PublishOptions(target: target, outputDirectory: output, baseImages: try BaseImages(arguments: arguments))
        return try Publisher.publish(app.manifest, options: options)
    }

    private func compose(_ arguments: [String]) throws -> YAMLNode {
        let report = try publish(.compose, arguments)
        let document = YAMLDocument(string: try report.text("docker-compose.yaml"), file: "docker-compose.yaml")
        return try #require(document.root)
    }

    @Test("compose: every generated Dockerfile starts FROM the base image of its kind")
    func composeDockerfiles() throws {
        let root = try compose(Self.overrides)
        func from(_ service: String) -> [String] {
            (root.at("services", service, "build", "dockerfile_inline")?.scalar ?? "").split(separator: "\n").filter { $0.hasPrefix("FROM ") }.map(String.init)
        }
        #expect(from("py") == ["FROM local/python:t"])
        #expect(from("script") == ["FROM local/python:t"])
        #expect(from("js") == ["FROM local/node:t"])
        #expect(from("nodetool") == ["FROM local/node:t"])
        #expect(from("gosvc") == ["FROM local/go:t AS build", "FROM local/alpine:t"])
        #expect(from("gotool") == ["FROM local/go:t"])
        #expect(from("psqltool") == ["FROM local/postgres:t"])
        #expect(from("redistool") == ["FROM local/redis:t"])
    }

    @Test("compose: well-known services run the base image of their kind, unless they name their own")
    func composeServices() throws {
        let root = try compose(Self.overrides)
        #expect(root.at("services", "cache", "image")?.scalar == "local/redis:t")
        #expect(root.at("services", "own", "image")?.scalar == "example/redis:1")
        #expect(root.at("services", "pg", "image")?.scalar == "local/postgres:t")
        #expect(root.at("services", "vk", "image")?.scalar == "local/valkey:t")
        #expect(root.at("services", "mc", "image")?.scalar == "local/memcached:t")
        // Built services are named as Kubernetes names them, and listed for --build.
        #expect(root.at("services", "py", "image")?.scalar == "base-py:latest")
        let report = try publish(.compose, Self.overrides)
        let built = try #require(report.images.first { $0.tag == "base-py:latest" })
        #expect(built.generatedDockerfile?.hasPrefix("FROM local/python:t\n") == true)
        #expect(report.images.map(\.tag).contains("base-gosvc:latest"))
    }

    @Test("without --base-image the official images stay")
    func defaults() throws {
        let root = try compose([])
        #expect(root.at("services", "cache", "image")?.scalar == "docker.io/library/redis:7.4")
        #expect(root.at("services", "pg", "image")?.scalar == "docker.io/library/postgres:17")
        #expect(root.at("services", "vk", "image")?.scalar == "docker.io/valkey/valkey:8")
        #expect(root.at("services", "mc", "image")?.scalar == "docker.io/library/memcached:1.6")
        #expect(root.at("services", "py", "build", "dockerfile_inline")?.scalar?.hasPrefix("FROM python:3.12-slim\n") == true)
        #expect(root.at("services", "gosvc", "build", "dockerfile_inline")?.scalar?.contains("FROM alpine:3.20\n") == true)
        #expect(root.at("services", "psqltool", "build", "dockerfile_inline")?.scalar?.hasPrefix("FROM docker.io/library/postgres:17\n") == true)
    }

    @Test("kubernetes and the Aspire manifest use the same base images for well-known services")
    func otherTargets() throws {
        let kubernetes = try publish(.kubernetes, Self.overrides)
        #expect(try kubernetes.text("cache.yaml").contains("image: local/redis:t"))
        #expect(try kubernetes.text("own.yaml").contains("image: example/redis:1"))
        #expect(try kubernetes.text("pg.yaml").contains("image: local/postgres:t"))
        #expect(try kubernetes.text("vk.yaml").contains("image: local/valkey:t"))
        #expect(try kubernetes.text("mc.yaml").contains("image: local/memcached:t"))
        let manifest = try publish(.manifest, Self.overrides).text("aspire-manifest.json")
        for image in ["local/redis:t", "local/postgres:t", "local/valkey:t", "local/memcached:t", "example/redis:1"] {
            #expect(manifest.contains("\"\(image)\""), "\(image)")
        }
    }

    @Test("a bad --base-image names the argument and the kinds")
    func badArguments() {
        #expect(throws: PublishError.self) { try BaseImages(arguments: ["python"]) }
        do {
            _ = try BaseImages(arguments: ["cobol=x"])
            Issue.record("cobol was accepted")
        } catch {
            #expect(error.message.contains("unknown kind 'cobol'") && error.message.contains("python, node, go, alpine, redis, postgres"))
        }
        #expect((try? BaseImages(arguments: ["Python=a", "python=b"]))?.overrides == ["python": "b"])
    }
}
