import AppModel
import AppState
import Foundation
import Publishing
import Testing
import YAMLSource

/// `all.yaml`: the kustomization rendered, for tools without kustomize (`podman kube play`,
/// `kubectl apply -f`): the Secret first, then every object of every listed manifest.
@Suite struct KubernetesRenderedTests {
    @Test("all.yaml holds the Secret with the secrets.env values and every object the kustomization lists, mode 0600")
    func rendered() throws {
        let app = try SampleApp.make()
        let (report, _) = try app.publish(.kubernetes)
        let all = try #require(report["all.yaml"])
        #expect(all.mode == 0o600)
        let documents = all.contents.components(separatedBy: "\n---\n")
        #expect(documents.first?.contains("kind: Secret") == true)
        #expect(documents.first?.contains("name: shop-secrets") == true)
        let secrets = DotEnv.parse(try report.text("secrets.env"))
        #expect(!secrets.isEmpty)
        for (key, value) in secrets { #expect(documents.first?.contains("\(key): \(value)") == true, "\(key)") }
        // Every object of every manifest the kustomization lists, in order.
        let kustomization = try #require(YAMLDocument(string: try report.text("kustomization.yaml"), file: "k").root)
        let listed = (kustomization.at("resources")?.items ?? []).compactMap(\.scalar)
        var expected = 0
        for path in listed { expected += try report.text(path).components(separatedBy: "\n---\n").count }
        let generated = (kustomization.at("secretGenerator")?.items ?? []).count
        #expect(documents.count == expected + generated)
        #expect(!listed.contains("all.yaml"))
    }

    @Test("--base-image busybox=… is the image of the init containers that wait")
    func busybox() throws {
        let app = try SampleApp.make()
        let output = (app.directory as NSString).appendingPathComponent("out/busybox")
        let options = PublishOptions(target: .kubernetes, outputDirectory: output, baseImages: try BaseImages(arguments: ["busybox=local/busybox:t"]))
        let report = try Publisher.publish(app.manifest, options: options)
        let web = try report.text("webfrontend.yaml")
        #expect(web.contains("image: local/busybox:t") && !web.contains("busybox:1.36"))
    }
}
