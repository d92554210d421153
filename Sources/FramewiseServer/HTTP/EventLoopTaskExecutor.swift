import NIOCore
import ServiceLifecycle

/// Runs tasks on one NIO event loop's thread: the HTTP server's connection tasks, pinned here,
/// read a request, handle it and write the response on the thread that owns the socket, instead
/// of hopping to Swift's global executor and back for every read and write (each hop a thread
/// wake-up).
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// A service whose task, and every child task it starts, prefers `executor`.
struct ExecutorPinnedService: Service {
    let base: any Service
    let executor: EventLoopTaskExecutor

    func run() async throws {
        try await withTaskExecutorPreference(executor) { try await base.run() }
    }
}
