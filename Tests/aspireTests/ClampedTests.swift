import AppState
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
}
