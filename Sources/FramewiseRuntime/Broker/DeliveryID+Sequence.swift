import FramewiseCore

/// In-process ids are a topic's sequence number written as 15 zero-padded decimal digits, so
/// string order equals numeric order and every id fits Swift's inline small-string storage
/// (no allocation per message). 10^15 messages per topic is beyond any process lifetime.
extension DeliveryID {
    static let sequenceDigits = 15

    init(sequence: UInt64) {
        var ids = DeliveryIDSequence(from: sequence)
        self = ids.next()
    }

    /// The sequence number, or nil when the id is not one this broker writes.
    var sequence: UInt64? {
        let parsed = value.utf8.withContiguousStorageIfAvailable(Self.parse)
        return parsed ?? Self.parse(Array(value.utf8))
    }

    private static func parse<C: Collection<UInt8>>(_ bytes: C) -> UInt64? {
        guard bytes.count == sequenceDigits else { return nil }
        var result: UInt64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return nil }
            result = result &* 10 &+ UInt64(byte &- 48)
        }
        return result
    }
}

/// Writes the ids of consecutive sequence numbers, incrementing the digits instead of
/// dividing for each id.
struct DeliveryIDSequence {
    private var digits: [UInt8]

    init(from sequence: UInt64) {
        digits = Array(repeating: 48, count: DeliveryID.sequenceDigits)
        var rest = sequence
        for index in digits.indices.reversed() {
            digits[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
        }
    }

    /// The ids of `count` sequence numbers from `first`.
    static func ids(from first: UInt64, count: Int) -> [DeliveryID] {
        var sequence = DeliveryIDSequence(from: first)
        return (0..<count).map { _ in sequence.next() }
    }

    /// The id of the current sequence number; moves to the next.
    mutating func next() -> DeliveryID {
        let id = digits.withUnsafeBufferPointer { source in
            String(unsafeUninitializedCapacity: source.count) { target in
                _ = target.initialize(fromContentsOf: source)
                return source.count
            }
        }
        skip()
        return DeliveryID(id)
    }

    /// Moves to the next sequence number.
    mutating func skip() {
        var index = digits.count - 1
        while index >= 0 {
            if digits[index] < 57 {
                digits[index] += 1
                return
            }
            digits[index] = 48
            index -= 1
        }
    }
}
