package import AppModel

/// Generates random secrets from the system's CSPRNG.
package enum SecretGenerator {
    /// A random string drawn from the character classes `options` allows, at least one of each.
    package static func generate(_ options: Parameter.Generate) -> String {
        var classes: [[Character]] = []
        if options.lower { classes.append(Array("abcdefghijklmnopqrstuvwxyz")) }
        if options.upper { classes.append(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) }
        if options.numeric { classes.append(Array("0123456789")) }
        if options.special { classes.append(Array("-_.~!")) }
        if classes.isEmpty { classes = [Array("abcdefghijklmnopqrstuvwxyz")] }
        var rng = SystemRandomNumberGenerator()
        let all = classes.flatMap { $0 }
        var characters: [Character] = classes.prefix(options.length).map { $0.randomElement(using: &rng) ?? "x" }
        while characters.count < options.length {
            characters.append(all.randomElement(using: &rng) ?? "x")
        }
        characters.shuffle(using: &rng)
        return String(characters)
    }
}
