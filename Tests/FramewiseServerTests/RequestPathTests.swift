import Foundation
@testable import FramewiseServer
import Hummingbird
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// What keeps a request on one thread: tasks pinned to the HTTP event loop, follow-up work after
/// the answer is written, and SQLite checkpoints kept out of commits.
@Suite struct RequestPathTests {
    @Test func pinnedTasksAndTheirChildTasksRunOnTheEventLoop() async throws {
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = loops.next()
        let executor = EventLoopTaskExecutor(loop: loop)
        let (unstructured, inside, children) = await withTaskExecutorPreference(executor) {
            let children = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
                for _ in 0..<4 { group.addTask { loop.inEventLoop } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            return (await Task { loop.inEventLoop }.value, loop.inEventLoop, children)
        }
        #expect(inside, "the pinned task runs on the loop's thread")
        #expect(children == [true, true, true, true], "child tasks inherit the preference")
        // What a dispatcher relies on: the engine it starts in a `Task {}` stays on the global executor.
        #expect(!unstructured, "an unstructured task does not inherit it")
        #expect(!loop.inEventLoop, "the test itself is not on the loop")
        try await loops.shutdownGracefully()
    }

    /// What happened, in order.
    final class EventLog: Sendable {
        private let events = Mutex<[String]>([])
        func add(_ event: String) { events.withLock { $0.append(event) } }
        var all: [String] { events.withLock { $0 } }
    }

    /// Records what happens to a response body.
    struct RecordingWriter: ResponseBodyWriter {
        let log: EventLog
        mutating func write(_ buffer: ByteBuffer) async throws { log.add("write \(buffer.readableBytes)") }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws { log.add("finish") }
    }

    @Test func aResponsesFollowUpRunsOnceItsBodyIsWritten() async throws {
        let log = EventLog()
        let response = Response.json(.object(["id": .string("job_1")]), status: .accepted).then { log.add("after") }
        #expect(log.all.isEmpty, "nothing runs before the body is written")
        try await response.body.write(RecordingWriter(log: log))
        let recorded = log.all
        #expect(recorded.count == 3 && recorded.first?.hasPrefix("write ") == true && Array(recorded.dropFirst()) == ["finish", "after"])
        #expect(response.status == .accepted && response.body.contentLength == Response.json(.object(["id": .string("job_1")])).body.contentLength)
    }

    @Test func theWriterLeavesCheckpointsToMaintain() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: dir.appendingPathComponent("jobs.sqlite").path)
        let due = repository.checkpointer.pages
        #expect(await repository.checkpointer.checkpointIfDue() == false, "an empty log is not due")
        // Past SQLite's own threshold (1000 pages) the writer would have checkpointed and restarted the log.
        let paths = (0..<40).map { "/videos/a-rather-long-folder-name/clip-\($0).mp4" }
        var jobs = 0
        while repository.checkpointer.pagesInLog < due + due / 2 {
            _ = try await repository.submit(NewJob(pipeline: "p", videos: paths), maxQueued: 1 << 30)
            jobs += 1
            try #require(jobs < 5000, "the log never grew: \(repository.checkpointer.pagesInLog) pages")
        }
        #expect(repository.checkpointer.pagesInLog < repository.checkpointer.hardLimitPages)
        await repository.maintain()
        // Checkpointed: the next commit starts the log over.
        let last = try await repository.submit(NewJob(pipeline: "p", videos: paths), maxQueued: 1 << 30)
        #expect(repository.checkpointer.pagesInLog < 100, "\(repository.checkpointer.pagesInLog) pages after a checkpoint")
        #expect(try await SQLiteJobRepository(path: repository.path).job(last.id, owner: nil) == last)
        #expect(try await repository.jobs(owner: nil, offset: 0, limit: 1).total == jobs + 1)
    }
}
