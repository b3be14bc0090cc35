/// Conversions of numbers that come from outside (flags, state files, clocks) and so are not
/// bounded: they never trap, where `Int(_: Double)` traps on NaN, infinity or a value beyond
/// `Int`'s range.
package enum Clamped {
    /// `value` rounded toward zero into `Int`'s range: NaN is 0, ±infinity and anything beyond the
    /// range are `Int.max`/`Int.min`.
    package static func int(_ value: Double) -> Int {
        guard !value.isNaN else { return 0 }
        if value >= 0x1p63 { return .max }
        if value <= -0x1p63 { return .min }
        return Int(value.rounded(.towardZero))
    }

    /// A number of seconds (a `--timeout`-style flag) as a `Duration`, with millisecond precision:
    /// NaN and negative values are zero, anything above 100 years is 100 years.
    package static func duration(seconds: Double) -> Duration {
        let limit = 100.0 * 365 * 24 * 3600
        guard !seconds.isNaN, seconds > 0 else { return .zero }
        return .milliseconds(int(min(seconds, limit) * 1000))
    }
}
