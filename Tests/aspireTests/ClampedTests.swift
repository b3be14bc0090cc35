import AppState
import Foundation
import Testing

/// Numbers from outside (flags, state files) never trap on their way to an integer (issue 15,
/// item 6's audit).
@Suite struct ClampedTests {
    @Test("Double to Int: NaN is 0, infinities and out-of-range values clamp, the rest rounds toward zero")
    func int() {
        #expect(Clamped.int(.nan) == 0)
        #expect(Clamped.int(.infinity) == .max)
        #expect(Clamped.int(-.infinity) == .min)
        #expect(Clamped.int(1e300) == .max)
        #expect(Clamped.int(-1e300) == .min)
        #expect(Clamped.int(0x1p63) == .max)
        #expect(Clamped.int(2.9) == 2)
        #expect(Clamped.int(-2.9) == -2)
    }

    @Test("seconds to Duration: NaN and negatives are zero, huge values cap at 100 years")
    func duration() {
        #expect(Clamped.duration(seconds: .nan) == .zero)
        #expect(Clamped.duration(seconds: -5) == .zero)
        #expect(Clamped.duration(seconds: 1.5) == .milliseconds(1500))
        #expect(Clamped.duration(seconds: .infinity) == .seconds(100 * 365 * 24 * 3600))
        #expect(Clamped.duration(seconds: 1e300) == .seconds(100 * 365 * 24 * 3600))
    }

    @Test("a port read back from a state file outside 0...65535 is not free (it used to trap in UInt16(_:))")
    func portOutOfRange() {
        #expect(!PortProbe.isFree(70_000))
        #expect(!PortProbe.isFree(-1))
        #expect(!PortProbe.isFree(.max))
    }

    @Test("a port chosen below the ephemeral range is free and below the range's first port")
    func belowEphemeralRange() throws {
        let range = try String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)
        let low = try #require(range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) })
        for _ in 0..<20 {
            let port = try #require(PortProbe.portBelowEphemeralRange())
            #expect(PortProbe.isFree(port))
            if low > 10_000 { #expect((10_000..<low).contains(port), "\(port) with the range starting at \(low)") }
        }
    }
}
