import Foundation

/// A fixed set of dedicated threads for blocking C calls (ONNX Runtime `Run`, libswscale),
/// so that they never occupy Swift's cooperative thread pool. `run` suspends the caller until
/// a pool thread has executed the work.
public final class BlockingPool: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var stopped = false
    /// Number of threads.
    public let threadCount: Int

    /// Starts `threads` threads named `name-N`, each at `priority` (`ThreadPriority`).
    public init(name: String, threads: Int, priority: ComputePriority = .normal) {
        threadCount = max(1, threads)
        for i in 0..<threadCount {
            let thread = Thread { [self] in
                ThreadPriority.nameCurrentThread("\(name)-\(i)")
                ThreadPriority.lowerCurrentThread(to: priority)
                self.loop()
            }
            thread.name = "\(name)-\(i)"
            thread.stackSize = 4 << 20
            thread.start()
        }
    }

    deinit { shutdown() }

    /// Runs `work` on a pool thread and returns its result.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = enqueue {
                do { continuation.resume(returning: try work()) } catch { continuation.resume(throwing: error) }
            }
            if !accepted { continuation.resume(throwing: CancellationError()) }
        }
    }

    /// Stops the threads once the queued work is done. Later `run` calls throw `CancellationError`.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    private func loop() {
        while true {
            condition.lock()
            while head == jobs.count && !stopped { condition.wait() }
            if head == jobs.count && stopped {
                condition.unlock()
                return
            }
            let job = jobs[head]
            head += 1
            if head > 1024 && head * 2 > jobs.count {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}
