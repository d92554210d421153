@testable import FramewiseRuntime
import Synchronization
import Testing

/// Decode slots go to admitted videos strictly in admission order, at most `slots` at once.
@Suite struct DecodeSlotsTests {
    final class Log: Sendable {
        let order = Mutex<[Int]>([])
        let busy = Mutex((now: 0, peak: 0))
        func enter(_ ticket: Int) {
            order.withLock { $0.append(ticket) }
            busy.withLock { $0.now += 1; $0.peak = max($0.peak, $0.now) }
        }
        func leave() { busy.withLock { $0.now -= 1 } }
        var peak: Int { busy.withLock { $0.peak } }
    }

    @Test func grantsInTicketOrderWhateverOrderTheyAsk() async {
        let slots = DecodeSlots(slots: 1)
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            // Tickets ask in reverse order; 0 must still go first, then 1, 2, ...
            for ticket in (0..<8).reversed() {
                group.addTask {
                    await slots.acquire(ticket: ticket)
                    log.enter(ticket)
                    await Task.yield()
                    log.leave()
                    await slots.release()
                }
            }
        }
        #expect(log.order.withLock { $0 } == Array(0..<8))
        #expect(log.peak == 1)
    }

    @Test func severalSlotsRunTogether() async {
        let slots = DecodeSlots(slots: 3)
        let log = Log()
        await withTaskGroup(of: Void.self) { group in
            for ticket in 0..<12 {
                group.addTask {
                    await slots.acquire(ticket: ticket)
                    log.enter(ticket)
                    for _ in 0..<5 { await Task.yield() }
                    log.leave()
                    await slots.release()
                }
            }
        }
        #expect(log.peak <= 3)
        #expect(log.order.withLock { $0 } == Array(0..<12), "granted in admission order")
    }
}
