import FramewiseCore

/// The messages of one topic and its consumer groups. Only touched under the broker's lock.
///
/// A message holds one outstanding ack per group that existed when it was published (or when
/// the group was created, for messages stored then); it is freed, and stops counting against
/// the bound, when the last of those acks arrives.
final class TopicLog<Message: Sendable> {
    struct Slot {
        var message: Message
        var outstandingAcks: Int
    }

    let bound: Int
    /// Stored messages by sequence number (ids start at 1); nil once freed.
    private(set) var slots = SequenceLog<Slot>(start: 1)
    /// Messages stored and not yet freed.
    private(set) var live = 0
    private(set) var groups: [String: ConsumerGroupLog] = [:]
    /// Set for dead-letter topics: why each message is here.
    var deadInfo: [UInt64: DeadLetterInfo] = [:]
    var publishWaiters: [PublishWaiter<Message>] = []
    var consumeWaiters: [ConsumeWaiter<Message>] = []

    init(bound: Int) { self.bound = bound }

    var space: Int { Swift.max(0, bound - live) }

    /// The group, created on first use at the oldest stored message (XGROUP CREATE ... 0).
    func group(_ name: String) -> ConsumerGroupLog {
        if let existing = groups[name] { return existing }
        let created = ConsumerGroupLog(cursor: slots.start, undelivered: live)
        var sequence = slots.start
        while sequence < slots.end {
            slots[sequence]?.outstandingAcks += 1
            sequence += 1
        }
        groups[name] = created
        return created
    }

    func message(at sequence: UInt64) -> Message? { slots[sequence]?.message }

    /// Appends without looking at the bound; returns the first sequence number used.
    @discardableResult
    func append<S: Collection>(_ messages: S) -> UInt64 where S.Element == Message {
        let first = slots.end
        let acks = groups.count
        slots.append(contentsOf: messages.lazy.map { Slot(message: $0, outstandingAcks: acks) })
        live += messages.count
        for group in groups.values { group.undelivered += messages.count }
        return first
    }

    /// Hands up to `max` undelivered messages to `consumer`, recording them as pending.
    func take(for group: ConsumerGroupLog, consumer: String, max: Int, now: Duration) -> [Delivery<Message>] {
        guard max > 0, group.undelivered > 0 else { return [] }
        var out: [Delivery<Message>] = []
        out.reserveCapacity(Swift.min(max, group.undelivered))
        var sequence = group.cursor
        var ids = DeliveryIDSequence(from: sequence)
        let end = slots.end
        let entry = ConsumerGroupLog.Pending(consumer: consumer, deliveredAt: now, count: 1)
        while out.count < max, sequence < end {
            if let slot = slots[sequence] {
                out.append(Delivery(id: ids.next(), message: slot.message, deliveryCount: 1))
                group.pending.append(entry)
            } else {
                ids.skip()
                group.pending.append(nil)
            }
            sequence += 1
        }
        group.pendingCount += out.count
        group.undelivered -= out.count
        return out
    }

    /// Settles one pending entry of `group`; returns false when it was not pending.
    @discardableResult
    func settle(_ sequence: UInt64, in group: ConsumerGroupLog) -> Bool {
        guard group.remove(sequence) != nil else { return false }
        guard var slot = slots[sequence] else { return true }
        slot.outstandingAcks -= 1
        if slot.outstandingAcks > 0 {
            slots[sequence] = slot
        } else {
            slots[sequence] = nil
            if !deadInfo.isEmpty { deadInfo[sequence] = nil }
            live -= 1
        }
        return true
    }

    /// Drops freed entries at the front of the log and of the group's pending list.
    func trimFront(_ group: ConsumerGroupLog? = nil) {
        group?.pending.trimFront()
        slots.trimFront()
    }

    /// Stored messages in sequence order (for dead-letter listings).
    func liveEntries() -> [(sequence: UInt64, message: Message)] {
        var out: [(sequence: UInt64, message: Message)] = []
        slots.forEach { out.append(($0, $1.message)) }
        return out
    }
}
