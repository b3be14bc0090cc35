/// A first-in first-out queue over one array: append at the back, drop from the front in O(1)
/// amortized. The dropped prefix is compacted away once it is as large as what is left, so the
/// array never holds more than twice the live elements.
struct FIFO<Element> {
    private var storage: [Element] = []
    private var head = 0

    var count: Int { storage.count - head }
    var isEmpty: Bool { head == storage.count }
    var first: Element? { isEmpty ? nil : storage[head] }

    mutating func append(_ element: Element) { storage.append(element) }

    @discardableResult
    mutating func removeFirst() -> Element? {
        guard head < storage.count else { return nil }
        let element = storage[head]
        head += 1
        if head >= 1_024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        } else if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        }
        return element
    }

    /// The live elements, oldest first.
    var elements: ArraySlice<Element> { storage[head...] }
}
