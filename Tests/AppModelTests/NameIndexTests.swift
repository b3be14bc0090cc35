import Testing

@testable import AppModel

/// `Manifest`'s name index: the first of equal names wins, misses are misses, and precomputed
/// hashes (a split load's) give the same answers as hashes computed at build time.
@Suite struct NameIndexTests {
    static let names: [String] = (0..<5000).map { "resource-\($0 % 4000)" } + ["", "a", "é", "a-much-longer-resource-name-than-sixteen-bytes"]

    @Test("every name is found at its first position, with or without precomputed hashes")
    func firstPositionWins() {
        let built = NameIndex(names: Self.names)
        let given = NameIndex(names: Self.names, hashes: Self.names.map(\.hashValue))
        var first: [String: Int] = [:]
        for (position, name) in Self.names.enumerated() where first[name] == nil { first[name] = position }
        for (name, position) in first {
            #expect(built.position(of: name) { Self.names[$0] } == position, "\(name)")
            #expect(given.position(of: name) { Self.names[$0] } == position, "\(name)")
        }
        #expect(built == given)
        for missing in ["resource-4000", "resource-", "b", "A", "resource-1 "] {
            #expect(built.position(of: missing) { Self.names[$0] } == nil, "\(missing)")
        }
    }

    @Test("hashes that do not match the names in number are ignored, not trusted")
    func wrongHashCount() {
        let index = NameIndex(names: ["x", "y"], hashes: [1])
        #expect(index.position(of: "y") { ["x", "y"][$0] } == 1)
        #expect(NameIndex(names: []).position(of: "x") { _ in "" } == nil)
    }
}
