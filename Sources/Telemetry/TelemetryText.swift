/// The CLI's text for telemetry (`aspire otel …`), from the control API's JSON bodies: kept out
/// of the executable so it is unit-tested like any other function.
package enum TelemetryText {
    // MARK: - Logs

    /// One line per record: UTC time, resource, severity, message, and the trace it belongs to.
    ///
    /// - Parameter resourceWidth: Pads the resource column (the widest name of the page).
    package static func logLine(_ record: TelemetryLogJSON, resourceWidth: Int = 0) -> String {
        var line =
            time(record.timeUnixNano) + "  " + pad(record.resource, resourceWidth) + "  " + pad(record.severity, 5) + "  "
            + singleLine(record.message)
        if let trace = record.traceId { line += "  [trace \(trace)]" }
        return line
    }

    /// The lines of a page of records (empty for none).
    package static func logs(_ records: [TelemetryLogJSON], resourceWidth: Int? = nil) -> String {
        let width = resourceWidth ?? records.map(\.resource.count).max() ?? 0
        return records.map { logLine($0, resourceWidth: width) + "\n" }.joined()
    }

    // MARK: - Traces

    /// A table of traces: id, start, duration, spans, error, root and the resources touched.
    package static func traceTable(_ traces: [TelemetryTraceJSON]) -> String {
        var rows = [["TRACE", "START", "DURATION", "SPANS", "ERROR", "ROOT", "RESOURCES"]]
        for trace in traces {
            rows.append([
                trace.traceId, time(trace.startUnixNano), duration(trace.durationNano), String(trace.spanCount),
                trace.hasError ? "error" : "-", "\(trace.rootResource): \(singleLine(trace.rootName))",
                trace.resources.joined(separator: ","),
            ])
        }
        return table(rows)
    }

    /// A trace as a text waterfall: one line per span in tree order (children indented under their
    /// parent, by start time), its resource, a bar placed at its offset in the trace, its offset
    /// and duration, and `!` plus the status message for a failed span; then the trace's log records.
    ///
    /// - Parameter barWidth: Columns the whole trace spans (at least 10).
    package static func waterfall(_ detail: TelemetryTraceDetail, barWidth: Int = 40) -> String {
        let trace = detail.trace
        let columns = max(10, barWidth)
        var out = "trace \(trace.traceId)  \(singleLine(trace.rootName))  \(duration(trace.durationNano))  "
        out += "\(trace.spanCount) span\(trace.spanCount == 1 ? "" : "s")"
        out += trace.hasError ? "  ERROR\n" : "\n"
        let rows = treeOrder(detail.spans)
        let nameWidth = rows.map { $0.depth * 2 + singleLine($0.span.name).count }.max() ?? 0
        let resourceWidth = rows.map(\.span.resource.count).max() ?? 0
        let start = trace.startUnixNano
        let total = Double(max(trace.durationNano, 1))
        for (span, depth) in rows {
            let offset = span.startUnixNano >= start ? span.startUnixNano - start : 0
            var from = Int((Double(offset) / total * Double(columns)).rounded(.down))
            from = min(max(0, from), columns - 1)
            var length = Int((Double(span.durationNano) / total * Double(columns)).rounded())
            length = min(max(1, length), columns - from)
            let bar = String(repeating: " ", count: from) + String(repeating: span.status == "error" ? "!" : "=", count: length)
                + String(repeating: " ", count: columns - from - length)
            var line = (span.status == "error" ? "! " : "  ")
            line += pad(String(repeating: "  ", count: depth) + singleLine(span.name), nameWidth) + "  "
            line += pad(span.resource, resourceWidth) + "  |" + bar + "|  +" + duration(offset) + "  " + duration(span.durationNano)
            if span.status == "error" {
                line += "  error" + (span.statusMessage.map { ": " + singleLine($0) } ?? "")
            }
            out += line + "\n"
        }
        if !detail.logs.isEmpty {
            out += "\nlogs:\n" + logs(detail.logs).split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.isEmpty }.map { "  " + $0 + "\n" }.joined()
        }
        return out
    }

    /// Spans depth-first: roots (no parent, or a parent not in the trace) by start time, each
    /// followed by its children by start time.
    package static func treeOrder(_ spans: [TelemetrySpanJSON]) -> [(span: TelemetrySpanJSON, depth: Int)] {
        let ids = Set(spans.map(\.spanId))
        var children: [String: [TelemetrySpanJSON]] = [:]
        var roots: [TelemetrySpanJSON] = []
        for span in spans {
            if let parent = span.parentSpanId, parent != span.spanId, ids.contains(parent) {
                children[parent, default: []].append(span)
            } else {
                roots.append(span)
            }
        }
        let byStart: (TelemetrySpanJSON, TelemetrySpanJSON) -> Bool = { ($0.startUnixNano, $0.spanId) < ($1.startUnixNano, $1.spanId) }
        var result: [(span: TelemetrySpanJSON, depth: Int)] = []
        var seen = Set<String>()
        var stack: [(TelemetrySpanJSON, Int)] = roots.sorted(by: byStart).reversed().map { ($0, 0) }
        while let (span, depth) = stack.popLast() {
            guard seen.insert(span.spanId).inserted else { continue }  // a cycle of parents shows each span once
            result.append((span, depth))
            for child in (children[span.spanId] ?? []).sorted(by: byStart).reversed() { stack.append((child, depth + 1)) }
        }
        // Spans only reachable through a cycle.
        for span in spans.sorted(by: byStart) where !seen.contains(span.spanId) {
            seen.insert(span.spanId)
            result.append((span, 0))
        }
        return result
    }

    // MARK: - Metrics

    /// A resource's instruments: name, kind, unit, points held, description.
    package static func instrumentTable(_ page: TelemetryInstrumentsPage) -> String {
        var rows = [["INSTRUMENT", "KIND", "UNIT", "POINTS", "DESCRIPTION"]]
        for instrument in page.instruments {
            let kind = instrument.kind == "sum" && instrument.isMonotonic ? "counter" : instrument.kind
            rows.append([
                instrument.name, kind, instrument.unit.isEmpty ? "-" : instrument.unit, String(instrument.pointCount),
                singleLine(instrument.description),
            ])
        }
        return table(rows)
    }

    /// One instrument's points, oldest first: time, instance, value (sum and count for histograms), attributes.
    package static func pointTable(_ page: TelemetryPointsPage) -> String {
        let instrument = page.instrument
        var out = "\(page.resource) \(instrument.name)"
        if !instrument.unit.isEmpty { out += " (\(instrument.unit))" }
        out += "  \(instrument.kind == "sum" && instrument.isMonotonic ? "counter" : instrument.kind)"
        out += "  \(page.points.count) point\(page.points.count == 1 ? "" : "s")\n"
        let histogram = page.points.contains { $0.count != nil }
        var rows = [["TIME", "INSTANCE"] + (histogram ? ["COUNT", "SUM", "MIN", "MAX"] : ["VALUE"]) + ["ATTRIBUTES"]]
        for point in page.points {
            var row = [time(point.timeUnixNano), point.instance]
            if histogram {
                row += [String(point.count ?? 0), number(point.value), point.min.map(number) ?? "-", point.max.map(number) ?? "-"]
            } else {
                row.append(number(point.value))
            }
            row.append(point.attributes.map { "\($0.key)=\(singleLine($0.value))" }.joined(separator: " "))
            rows.append(row)
        }
        return out + table(rows)
    }

    // MARK: - Pieces

    /// A duration for people: `850ns`, `12µs`, `3.40ms`, `1.25s`, `2m03s`.
    package static func duration(_ nanos: UInt64) -> String {
        let value = Double(nanos)
        switch nanos {
        case ..<1_000: return "\(nanos)ns"
        case ..<1_000_000: return fixed(value / 1e3, digits(value / 1e3)) + "µs"
        case ..<1_000_000_000: return fixed(value / 1e6, digits(value / 1e6)) + "ms"
        case ..<60_000_000_000: return fixed(value / 1e9, 2) + "s"
        default:
            let seconds = nanos / 1_000_000_000
            let rest = seconds % 60
            return "\(seconds / 60)m" + (rest < 10 ? "0" : "") + "\(rest)s"
        }
    }

    /// Three significant digits for small numbers: 3.40, 12.3, 100.
    static func digits(_ value: Double) -> Int { value < 10 ? 2 : value < 100 ? 1 : 0 }

    /// UTC `YYYY-MM-DD HH:MM:SS.mmm` from nanoseconds since 1970.
    package static func time(_ nanos: UInt64) -> String {
        let millis = nanos / 1_000_000
        let seconds = Int64(millis / 1_000)
        var days = seconds / 86_400
        let secondOfDay = seconds % 86_400
        // Days to a civil date (Howard Hinnant's algorithm).
        days += 719_468
        let era = days / 146_097
        let dayOfEra = days - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return "\(year)-\(two(month))-\(two(day)) \(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))."
            + three(Int64(millis % 1_000))
    }

    static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
    static func three(_ value: Int64) -> String { value < 10 ? "00\(value)" : value < 100 ? "0\(value)" : "\(value)" }

    /// `value` with `digits` decimals (no Foundation formatting: the same text everywhere).
    static func fixed(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(value) }
        let whole = UInt64(scaled)
        let integer = whole / UInt64(scale)
        var text = (value < 0 && whole != 0 ? "-" : "") + String(integer)
        if digits > 0 {
            let fraction = String(whole % UInt64(scale))
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return text
    }

    /// A point's value: integers without a fraction, others with up to 4 decimals.
    static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return fixed(value, 4)
    }

    /// Control characters (newlines and escapes included) shown as spaces: one record, one line, no terminal sequences.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) ? " " : $0 }))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Columns padded to their widest cell, two spaces apart, the last one unpadded.
    static func table(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        let widths = (0..<header.count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            let cells = row.enumerated().map { index, cell in index == row.count - 1 ? cell : pad(cell, widths[index]) }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line + "\n"
        }.joined()
    }
}
