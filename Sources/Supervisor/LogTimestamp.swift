#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The UTC time at the start of every log-file line (`2026-11-26T09:50:00.123Z `), so that
/// `aspire logs --since 10m` and `--timestamps` work from the files alone.
///
/// Fixed width, so readers strip it by position; the console lines of `up` carry none.
package enum LogTimestamp {
    /// Bytes of the stamp, its trailing space included.
    package static let width = 25

    /// The stamp for now: taken once per batch of lines, not per line.
    package static func now() -> [UInt8] {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return stamp(seconds: Int(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000))
    }

    /// The stamp for a point in time (seconds since 1970, UTC).
    package static func stamp(seconds: Int, milliseconds: Int) -> [UInt8] {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(width)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(milliseconds, 3)
        out.append(UInt8(ascii: "Z"))
        out.append(UInt8(ascii: " "))
        return out
    }

    /// Splits a log-file line into its time (seconds since 1970) and its text; a line without a
    /// stamp (an older file, a line cut at the size limit) has no time and is returned whole.
    package static func split(_ line: Substring) -> (time: Double?, text: Substring) {
        let utf8 = Array(line.utf8.prefix(width))
        guard utf8.count == width, utf8[4] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
            utf8[23] == UInt8(ascii: "Z"), utf8[24] == UInt8(ascii: " ")
        else { return (nil, line) }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in utf8[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            let millisecond = number(20..<23)
        else { return (nil, line) }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let seconds = timegm(&parts)
        let text = line[line.utf8.index(line.startIndex, offsetBy: width)...]
        return (Double(seconds) + Double(millisecond) / 1000, text)
    }
}
