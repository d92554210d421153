/// Values keyed by consecutive sequence numbers, in an array; nil marks a removed value, and
/// the removed front is dropped (compacting now and then). Cheaper than a dictionary: no hashing.
struct SequenceLog<Element> {
    private var storage: [Element?] = []
    private var base: UInt64
    private var head = 0

    init(start: UInt64) { base = start }

    /// The first sequence number still held.
    var start: UInt64 { base + UInt64(head) }
    /// One past the last sequence number appended.
    var end: UInt64 { base + UInt64(storage.count) }

    subscript(sequence: UInt64) -> Element? {
        get { sequence >= start && sequence < end ? storage[Int(sequence - base)] : nil }
        set {
            guard sequence >= start, sequence < end else { return }
            storage[Int(sequence - base)] = newValue
        }
    }

    mutating func append(_ element: Element?) { storage.append(element) }

    mutating func append<S: Sequence>(contentsOf elements: S) where S.Element == Element? {
        storage.append(contentsOf: elements)
    }

    /// Calls `body` with each held sequence number and value, in order.
    func forEach(_ body: (UInt64, Element) throws -> Void) rethrows {
        for index in head..<storage.count {
            if let element = storage[index] { try body(base + UInt64(index), element) }
        }
    }

    /// Drops removed values at the front.
    mutating func trimFront() {
        while head < storage.count, storage[head] == nil { head += 1 }
        if head == storage.count {
            base += UInt64(head)
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            base += UInt64(head)
            head = 0
        }
    }
}
