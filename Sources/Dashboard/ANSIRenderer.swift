/// Turns a console line with ANSI SGR escape sequences into HTML `<span class>` runs.
///
/// Everything is HTML-escaped; colours become classes (`a-f1`, `a-g4`, `a-b`, …) that the
/// dashboard's stylesheet defines, so no inline style is needed (the pages' CSP forbids it).
/// 256-colour and 24-bit colours map to the nearest of the 16 basic ones. Every other escape
/// sequence (cursor moves, erase, OSC titles and hyperlinks) and control character but tab is dropped.
package enum ANSIRenderer {
    /// The text attributes in effect.
    struct Style: Equatable {
        var bold = false
        var dim = false
        var italic = false
        var underline = false
        var foreground: Int?
        var background: Int?

        var classes: [String] {
            var out: [String] = []
            if bold { out.append("a-b") }
            if dim { out.append("a-d") }
            if italic { out.append("a-i") }
            if underline { out.append("a-u") }
            if let foreground { out.append("a-f\(foreground)") }
            if let background { out.append("a-g\(background)") }
            return out
        }
    }

    /// Renders one line.
    ///
    /// - Parameter line: Raw console text, possibly with escape sequences.
    /// - Returns: Safe HTML: escaped text inside `<span class="…">` where a style applies.
    package static func html(_ line: String) -> String {
        var out = ""
        var run = ""
        var style = Style()
        var runStyle = Style()

        func flush() {
            guard !run.isEmpty else { return }
            let classes = runStyle.classes
            if classes.isEmpty {
                out += HTML.escape(run)
            } else {
                out += "<span class=\"\(classes.joined(separator: " "))\">\(HTML.escape(run))</span>"
            }
            run = ""
        }

        let scalars = Array(line.unicodeScalars)
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\u{1B}" {
                index = consumeEscape(scalars, from: index, style: &style)
                continue
            }
            index += 1
            if (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                continue
            }
            if style != runStyle {
                flush()
                runStyle = style
            }
            run.unicodeScalars.append(scalar)
        }
        flush()
        return out
    }

    // MARK: - Escape sequences

    /// Skips the escape sequence at `start` (an ESC), applying it to `style` when it is SGR.
    /// - Returns: The index after the sequence.
    private static func consumeEscape(_ scalars: [Unicode.Scalar], from start: Int, style: inout Style) -> Int {
        var index = start + 1
        guard index < scalars.count else { return index }
        switch scalars[index] {
        case "[":  // CSI: parameters 0x30–0x3F, intermediates 0x20–0x2F, final 0x40–0x7E
            index += 1
            var parameters = ""
            while index < scalars.count, (0x30...0x3F).contains(scalars[index].value) {
                parameters.unicodeScalars.append(scalars[index])
                index += 1
            }
            while index < scalars.count, (0x20...0x2F).contains(scalars[index].value) { index += 1 }
            guard index < scalars.count else { return index }
            let final = scalars[index]
            if final == "m" { applySGR(parameters, to: &style) }
            return index + 1
        case "]", "P", "X", "^", "_":  // OSC, DCS, SOS, PM, APC: up to BEL or ST (ESC \)
            index += 1
            while index < scalars.count {
                if scalars[index] == "\u{07}" { return index + 1 }
                if scalars[index] == "\u{1B}", index + 1 < scalars.count, scalars[index + 1] == "\\" {
                    return index + 2
                }
                index += 1
            }
            return index
        default:  // a two-character sequence (ESC c, ESC 7, ESC ( B…)
            if (0x20...0x2F).contains(scalars[index].value), index + 1 < scalars.count { return index + 2 }
            return index + 1
        }
    }

    /// Applies `ESC [ parameters m` to `style`.
    private static func applySGR(_ parameters: String, to style: inout Style) {
        let codes =
            parameters.isEmpty
            ? [0] : parameters.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        var index = 0
        while index < codes.count {
            let code = codes[index]
            index += 1
            switch code {
            case 0: style = Style()
            case 1: style.bold = true
            case 2: style.dim = true
            case 3: style.italic = true
            case 4: style.underline = true
            case 22:
                style.bold = false
                style.dim = false
            case 23: style.italic = false
            case 24: style.underline = false
            case 30...37: style.foreground = code - 30
            case 39: style.foreground = nil
            case 40...47: style.background = code - 40
            case 49: style.background = nil
            case 90...97: style.foreground = code - 90 + 8
            case 100...107: style.background = code - 100 + 8
            case 38, 48:
                let (color, used) = extendedColor(Array(codes[index...]))
                index += used
                if code == 38 { style.foreground = color } else { style.background = color }
            default: break
            }
        }
    }

    /// Reads `5;n` or `2;r;g;b` after a 38/48 and maps it to one of the 16 basic colours.
    /// - Returns: The colour (nil when malformed) and how many codes were read.
    private static func extendedColor(_ codes: [Int]) -> (Int?, Int) {
        guard let mode = codes.first else { return (nil, 0) }
        if mode == 5, codes.count >= 2 {
            return (basicColor(ofPaletteIndex: codes[1]), 2)
        }
        if mode == 2, codes.count >= 4 {
            return (nearestBasic(red: codes[1], green: codes[2], blue: codes[3]), 4)
        }
        return (nil, codes.count)
    }

    /// The xterm palette's RGB for the 16 basic colours (what the stylesheet approximates).
    static let basicRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    /// Maps an xterm 256-colour index to one of the 16 basic colours.
    static func basicColor(ofPaletteIndex index: Int) -> Int? {
        switch index {
        case 0...15:
            return index
        case 16...231:
            let cube = index - 16
            let level = { (value: Int) in value == 0 ? 0 : 55 + value * 40 }
            return nearestBasic(red: level(cube / 36), green: level(cube / 6 % 6), blue: level(cube % 6))
        case 232...255:
            let gray = 8 + (index - 232) * 10
            return nearestBasic(red: gray, green: gray, blue: gray)
        default:
            return nil
        }
    }

    /// The basic colour nearest to an RGB value (squared distance).
    static func nearestBasic(red: Int, green: Int, blue: Int) -> Int {
        var best = 0
        var bestDistance = Int.max
        for (index, rgb) in basicRGB.enumerated() {
            let distance =
                (rgb.0 - red) * (rgb.0 - red) + (rgb.1 - green) * (rgb.1 - green) + (rgb.2 - blue) * (rgb.2 - blue)
            if distance < bestDistance {
                best = index
                bestDistance = distance
            }
        }
        return best
    }
}
