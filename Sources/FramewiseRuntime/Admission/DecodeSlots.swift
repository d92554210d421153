/// How many admitted videos decode at once, granted strictly in admission order (ticket 0, 1,
/// 2, ...): the oldest admitted video decodes first, so its frames reach the stages first and it
/// finishes first, instead of every video in flight sharing the stages equally (which makes the
/// longest video the slowest by far).
actor DecodeSlots {
    private let slots: Int
    private var busy = 0
    private var nextTicket = 0
    private var waiting: [Int: CheckedContinuation<Void, Never>] = [:]

    init(slots: Int) { self.slots = max(1, slots) }

    /// Waits for `ticket`'s turn and a free slot.
    func acquire(ticket: Int) async {
        if ticket == nextTicket && busy < slots {
            busy += 1
            nextTicket += 1
            return
        }
        await withCheckedContinuation { continuation in
            waiting[ticket] = continuation
            grant()
        }
    }

    func release() {
        busy = max(0, busy - 1)
        grant()
    }

    private func grant() {
        while busy < slots, let next = waiting.removeValue(forKey: nextTicket) {
            busy += 1
            nextTicket += 1
            next.resume()
        }
    }
}
