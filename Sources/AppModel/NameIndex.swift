/// Resource name → the position of the first resource with that name.
///
/// An open-addressing table of (hash, position) pairs rather than a `[String: Int]`: the hashes
/// can be computed anywhere (ParallelLoad hashes each part's names in that part's job), and
/// building the table from them is integer work, much cheaper than inserting every name into a
/// dictionary on the one thread that joins the parts.
/// Hashes are Swift's own (`String.hashValue`, seeded per process), so lookups cost what a
/// dictionary's do.
struct NameIndex: Sendable, Hashable {
    private struct Slot: Sendable, Hashable {
        var hash: Int
        /// Position + 1; 0 marks an empty slot.
        var position: Int32
    }

    private var slots: [Slot]
    private var mask: Int

    /// Indexes `names`, with `hashes[i] == names[i].hashValue` when given (else computed here).
    /// The first of equal names keeps the entry.
    init(names: [String], hashes: [Int]? = nil) {
        var capacity = 16
        while capacity < names.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = [Slot](repeating: Slot(hash: 0, position: 0), count: capacity)
        let hashes = hashes?.count == names.count ? hashes : nil
        for position in names.indices {
            let hash = hashes?[position] ?? names[position].hashValue
            var slot = hash & mask
            while true {
                let entry = slots[slot]
                if entry.position == 0 {
                    slots[slot] = Slot(hash: hash, position: Int32(position + 1))
                    break
                }
                if entry.hash == hash, names[Int(entry.position) - 1] == names[position] { break }  // first one wins
                slot = (slot + 1) & mask
            }
        }
    }

    /// The position of the first name equal to `name`; `names` is what the index was built from.
    func position(of name: String, in names: (Int) -> String) -> Int? {
        let hash = name.hashValue
        var slot = hash & mask
        while true {
            let entry = slots[slot]
            if entry.position == 0 { return nil }
            let position = Int(entry.position) - 1
            if entry.hash == hash, names(position) == name { return position }
            slot = (slot + 1) & mask
        }
    }
}
