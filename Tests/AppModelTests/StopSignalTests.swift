import AppModel
import AppState
import Testing

/// `stopSignal:` (compose's `stop_signal`) and `healthCheck.startInterval` (compose's
/// `start_interval`).
@Suite struct StopSignalTests {
    @Test(
        "stopSignal takes a name with or without SIG, any case, or a number",
        arguments: [("SIGINT", 2), ("INT", 2), ("sigquit", 3), ("Quit", 3), ("15", 15), ("9", 9), ("SIGPOLL", 29)])
    func accepted(text: String, number: Int32) throws {
        let result = load("resources:\n  a:\n    type: executable\n    command: x\n    stopSignal: \(text)\n")
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics.summaries)")
        let signal = try #require(result.manifest?["a"]?.run.stopSignal)
        #expect(signal.number == number)
    }

    @Test("a well-known resource takes stopSignal too; its name is canonical")
    func wellKnown() throws {
        let result = load("resources:\n  cache:\n    type: redis\n    runtime: native\n    stopSignal: int\n")
        #expect(result.diagnostics.filter { $0.severity == .error }.isEmpty, "\(result.diagnostics.summaries)")
        #expect(result.manifest?["cache"]?.run.stopSignal?.name == "SIGINT")
    }

    @Test(
        "an unknown signal is an error at its value, with a did-you-mean",
        arguments: [
            ("SIGITN", "unknown-signal@5:17", "SIGINT"), ("QUITE", "unknown-signal@5:17", "SIGQUIT"),
            ("0", "unknown-signal@5:17", nil), ("65", "unknown-signal@5:17", nil),
            ("[INT]", "wrong-type@5:17", nil),
        ] as [(String, String, String?)])
    func rejected(text: String, expected: String, suggestion: String?) {
        let result = load("resources:\n  a:\n    type: executable\n    command: x\n    stopSignal: \(text)\n")
        #expect(result.diagnostics.summaries.contains(expected), "\(result.diagnostics.summaries)")
        if let suggestion {
            let message = result.diagnostics.first { $0.message.id == "unknown-signal" }?.message.text ?? ""
            #expect(message.contains("did you mean '\(suggestion)'"), "\(message)")
        }
    }

    @Test("healthCheck.startInterval is read as a duration; zero or nonsense is an error")
    func startInterval() throws {
        let good = load("resources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { http: /h, startInterval: 20ms }\n")
        #expect(good.manifest?["a"]?.run.healthCheck?.startInterval == .milliseconds(20))
        let unset = load("resources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { http: /h }\n")
        #expect(unset.manifest?["a"]?.run.healthCheck != nil)
        #expect(unset.manifest?["a"]?.run.healthCheck?.startInterval == nil)
        for text in ["0s", "soon"] {
            let bad = load("resources:\n  a:\n    type: executable\n    command: x\n    healthCheck: { http: /h, startInterval: \(text) }\n")
            #expect(bad.diagnostics.summaries.contains("invalid-duration@5:45"), "\(bad.diagnostics.summaries)")
        }
    }
}
