import AppModel
import Foundation
import Publishing
import Testing

/// `type: aws` published: the emulator left out, no endpoint or key injected, the region and the
/// names as values, a queue's URL a parameter, and AWS-RESOURCES.md listing what real AWS must hold.
@Suite struct AWSPublishTests {
    static let yaml = """
        name: pub
        resources:
          cloud:
            type: aws
            region: eu-central-1
            buckets: [uploads]
            queues: [jobs]
            tables: [orders]
          api:
            type: container
            image: docker.io/library/nginx:1.27
            references: [cloud, uploads, jobs, orders]
            waitFor: [uploads, cloud]
        """

    @Test("compose: no aws service, the region and names in the environment, the queue URL a variable, the list written")
    func compose() throws {
        let app = try SampleApp.make(Self.yaml, files: [:])
        let (report, _) = try app.publish(.compose)
        let text = try report.text("docker-compose.yaml")
        #expect(!text.contains("moto"), "\(text)")
        #expect(!text.contains("AWS_ENDPOINT_URL") && !text.contains("AWS_SECRET_ACCESS_KEY") && !text.contains("AWS_ACCESS_KEY_ID"), "\(text)")
        #expect(!text.contains("cloud:"), "\(text)")
        #expect(text.contains("AWS_REGION: eu-central-1"), "\(text)")
        #expect(text.contains("UPLOADS_BUCKET_NAME: uploads"), "\(text)")
        #expect(text.contains("ORDERS_TABLE_NAME: orders"), "\(text)")
        #expect(text.contains("JOBS_QUEUE_URL: ${JOBS_URL}"), "\(text)")
        #expect(!text.contains("depends_on"), "\(text)")
        let list = try report.text("AWS-RESOURCES.md")
        #expect(list.contains("## cloud (region eu-central-1)"), "\(list)")
        for line in ["- bucket `uploads`", "- queue `jobs`: set parameter `jobs-url` to its URL", "- table `orders`"] {
            #expect(list.contains(line), "\(list)")
        }
        #expect(report.notes.contains { $0.resource == "cloud" && $0.message.contains("AWS-RESOURCES.md") })
    }

    @Test("kubernetes and the Aspire manifest: no aws workload or resource, the list beside them")
    func kubernetesAndManifest() throws {
        let app = try SampleApp.make(Self.yaml, files: [:])
        let (kube, _) = try app.publish(.kubernetes)
        #expect(kube["cloud.yaml"] == nil, "\(kube.files.map(\.path))")
        #expect(kube["AWS-RESOURCES.md"] != nil)
        let api = try kube.text("api.yaml")
        #expect(api.contains("AWS_REGION") && !api.contains("AWS_ENDPOINT_URL"), "\(api)")
        let (aspire, _) = try app.publish(.manifest)
        let json = try aspire.text("aspire-manifest.json")
        #expect(!json.contains("\"cloud\""), "\(json)")
        #expect(json.contains("\"JOBS_QUEUE_URL\": \"{jobs-url.value}\""), "\(json)")
        #expect(aspire["AWS-RESOURCES.md"] != nil)
    }
}
