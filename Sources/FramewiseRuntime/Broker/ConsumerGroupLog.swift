/// One consumer group's view of a topic: a cursor over the log and its pending entries list.
/// Only touched under the broker's lock.
final class ConsumerGroupLog {
    /// A delivered, unacked message: who holds it, since when, how often it was delivered.
    struct Pending {
        var consumer: String
        var deliveredAt: Duration
        var count: Int
    }

    /// Pending entries by sequence number; its end is the group's cursor (next to deliver).
    var pending: SequenceLog<Pending>
    var pendingCount = 0
    /// Stored messages at or after the cursor (the group's lag).
    var undelivered: Int
    var consumers: Set<String> = []

    init(cursor: UInt64, undelivered: Int) {
        self.pending = SequenceLog(start: cursor)
        self.undelivered = undelivered
    }

    var cursor: UInt64 { pending.end }

    /// Removes a pending entry; false when it was not pending.
    func remove(_ sequence: UInt64) -> Pending? {
        guard let entry = pending[sequence] else { return nil }
        pending[sequence] = nil
        pendingCount -= 1
        return entry
    }

    /// Pending entries idle for at least `minIdle` at `now`, oldest sequence first.
    func idle(at now: Duration, minIdle: Duration) -> [UInt64] {
        var out: [UInt64] = []
        pending.forEach { sequence, entry in
            if now - entry.deliveredAt >= minIdle { out.append(sequence) }
        }
        return out
    }
}
