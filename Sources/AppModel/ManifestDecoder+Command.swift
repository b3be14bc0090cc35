import YAMLSource

extension ManifestDecoder {
    /// A project's or executable's `command:` — the program, and the arguments a list form adds.
    struct Command {
        /// The program: a name looked up on `PATH` or a path. Never split on spaces.
        var program: String
        /// The list form's tail (`command: [python3, app.py]` gives `app.py`); they go before `args`.
        var arguments: [Template]
    }

    /// Reads `command:` as compose and Kubernetes write it: a string is one program name (a space
    /// in it gets a warning showing the list form), a list is the program and its first
    /// arguments, whose items are read like `args` items (expressions and `${VAR}` work).
    /// - Returns: nil when absent or unusable (a diagnostic then says why).
    mutating func decodeCommand(_ node: YAMLNode?) -> Command? {
        guard let node else { return nil }
        switch node.kind {
        case .sequence:
            let items = node.itemView
            guard let first = items.first else {
                reader.diagnostics.append(.error(.emptyCommand, at: node.location))
                return nil
            }
            let program = reader.string(first, "command")
            var arguments: [Template] = []
            arguments.reserveCapacity(items.count - 1)
            for item in items.dropFirst() {
                if let template = reader.template(item, "command") { arguments.append(template) }
            }
            return program.map { Command(program: $0, arguments: arguments) }
        case .mapping:
            reader.diagnostics.append(.error(.wrongType("command", expected: "a program name or a list [program, arg, …]", found: node), at: node.location))
            return nil
        case .scalar:
            guard let program = reader.string(node, "command") else { return nil }
            // A space or tab byte is never part of another UTF-8 character.
            if program.utf8.contains(where: { $0 == 0x20 || $0 == 0x09 }) {
                let words = program.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Self.flowItem(String($0)) }
                reader.diagnostics.append(
                    .warning(
                        .commandWithSpace(program), at: node.location,
                        notes: [
                            Diagnostic.Note("write it as a list: command: [\(words.joined(separator: ", "))]"),
                            Diagnostic.Note("or, for a path with spaces, as a list of one item: command: [\(Self.flowItem(program))]"),
                        ]))
            }
            return Command(program: program, arguments: [])
        }
    }

    /// `text` as an item of a YAML flow sequence: plain when that reads back as the same string,
    /// else double-quoted.
    package static func flowItem(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "._/-+=@%^~".unicodeScalars.contains(scalar)
        } && !"@%~".unicodeScalars.contains(text.unicodeScalars.first ?? " ") && text != "-"
        guard !plain else { return text }
        var quoted = "\""
        for character in text {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.append(character)
            }
        }
        return quoted + "\""
    }
}
