import SwiftProtobuf
import Telemetry
import Testing

/// What wakes the dashboard's live pages.
@Suite struct ChangesTests {
    @Test("an export notes its signal; subscribers of that signal wake, and leave when they stop listening")
    func ingestWakes() async throws {
        let store = TelemetryStore()
        let logs = store.changes.updates(of: [.logs])
        let metricUpdates = store.changes.updates(of: [.metrics])
        let metrics = Task {
            for await _ in metricUpdates { return true }
            return false
        }
        let body: [UInt8] = try logsRequest("api", count: 2).serializedBytes()
        for _ in 0..<3 {
            #expect(await OTLPIngest(store: store).handle(signal: .logs, encoding: .protobuf, contentEncoding: nil, body: body).status == 200)
        }
        #expect(store.changes.version(of: .logs) == 3 && store.changes.version(of: .traces) == 0)
        var wakeUps = logs.makeAsyncIterator()
        #expect(await wakeUps.next() != nil, "three exports while nobody read: one wake-up waits")
        #expect(store.changes.subscriberCount == 2)
        metrics.cancel()
        #expect(await metrics.value == false, "a logs export does not wake a metrics page")
        for _ in 0..<200 where store.changes.subscriberCount != 1 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(store.changes.subscriberCount == 1)
    }
}
