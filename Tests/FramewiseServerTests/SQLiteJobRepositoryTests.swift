import Foundation
import FramewiseServer
import GRDB
import Testing

/// The job store on a real SQLite file: stored before acknowledged, one result per video,
/// recovery after a crash, admission, cancellation, retention, ownership, hashed tokens.
@Suite struct SQLiteJobRepositoryTests {
    let dir: URL
    var path: String { dir.appendingPathComponent("jobs.sqlite").path }

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    @Test func aSubmittedJobIsStoredInWALModeAndQueued() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        #expect(try await repository.journalMode() == "wal")
        let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a.mp4", "/b.mp4"], priority: 3, slo: 2), maxQueued: 10)
        #expect(job.state == .queued && job.total == 2 && job.ok == 0 && job.priority == 3 && job.slo == 2)
        // Another connection (a restarted process) sees it: it is on disk.
        let reopened = try SQLiteJobRepository(path: path)
        #expect(try await reopened.job(job.id, owner: nil) == job)
        #expect(await reopened.ping())
    }

    @Test func claimsFollowPriorityThenArrivalAcrossJobs() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let low = try await repository.submit(NewJob(pipeline: "p", videos: ["/l0", "/l1"]), maxQueued: 100)
        let high = try await repository.submit(NewJob(pipeline: "p", videos: ["/h0"], priority: 5), maxQueued: 100)
        let strict = try await repository.submit(NewJob(pipeline: "p", videos: ["/s0"], slo: 1), maxQueued: 100)
        _ = try await repository.submit(NewJob(pipeline: "other", videos: ["/o0"]), maxQueued: 100)
        let first = try await repository.claim(pipeline: "p", limit: 2)
        #expect(first.map(\.path) == ["/h0", "/l0"], "priority first, then arrival")
        #expect(first.map(\.job) == [high.id, low.id])
        let second = try await repository.claim(pipeline: "p", limit: 3)
        #expect(second.map(\.path) == ["/l1", "/s0"] && second.map(\.slo) == [nil, 1] && second.last?.job == strict.id, "jobs mix, each video keeps its SLO")
        #expect(try await repository.claim(pipeline: "p", limit: 3).isEmpty)
        #expect(try await repository.job(low.id, owner: nil).state == .running)
    }

    @Test func aResultIsWrittenOnceAndItsVideoNeverHandedOutAgain() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a", "/b"]), maxQueued: 10)
        let claimed = try await repository.claim(pipeline: "p", limit: 2)
        #expect(try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{\"n\":1}"))
        #expect(try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{\"n\":2}") == false, "a second result is refused")
        #expect(try await repository.results(job: job.id, offset: 0, limit: 10).lines == ["{\"n\":1}"])
        // The process dies here: /b was running. A new process re-queues it, and only it.
        let restarted = try SQLiteJobRepository(path: path)
        #expect(try await restarted.recoverInterrupted() == 1)
        let again = try await restarted.claim(pipeline: "p", limit: 2)
        #expect(again.map(\.path) == ["/b"])
        #expect(try await restarted.storeResult(video: again[0].id, status: "failed", json: "{\"n\":3}"))
        let done = try await restarted.job(job.id, owner: nil)
        #expect(done.state == .done && done.ok == 1 && done.failed == 1 && done.finishedAt != nil && done.progress == 1)
        let count = try await DatabaseQueue(path: path).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM results") }
        #expect(count == 2)
    }

    @Test func aJobWhoseEveryVideoFailedIsFailed() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"]), maxQueued: 10)
        let claimed = try await repository.claim(pipeline: "p", limit: 1)
        _ = try await repository.storeResult(video: claimed[0].id, status: "failed", json: "{}")
        #expect(try await repository.job(job.id, owner: nil).state == .failed)
    }

    @Test func aFullQueueRefusesTheWholeJobAndStoresNothing() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        _ = try await repository.submit(NewJob(pipeline: "p", videos: ["/a", "/b"]), maxQueued: 3)
        await #expect(throws: JobRepositoryError.queueFull(queued: 2, adding: 2, limit: 3)) {
            try await repository.submit(NewJob(pipeline: "p", videos: ["/c", "/d"]), maxQueued: 3)
        }
        #expect(try await repository.jobs(owner: nil, offset: 0, limit: 10).total == 1)
        #expect(try await repository.load(window: 60).queued == 2)
        // Counting only another pipeline's queue, it fits.
        _ = try await repository.submit(NewJob(pipeline: "q", videos: ["/e"]), maxQueued: 1, queueOf: ["q"])
        await #expect(throws: JobRepositoryError.queueFull(queued: 1, adding: 1, limit: 1)) {
            try await repository.submit(NewJob(pipeline: "q", videos: ["/f"]), maxQueued: 1, queueOf: ["q"])
        }
        // Claimed videos no longer wait: room again.
        _ = try await repository.claim(pipeline: "p", limit: 2)
        _ = try await repository.submit(NewJob(pipeline: "p", videos: ["/c", "/d"]), maxQueued: 3, queueOf: ["p"])
    }

    @Test func cancellingRemovesResultsAndPendingVideosAndDropsLateResults() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a", "/b", "/c"]), maxQueued: 10)
        let claimed = try await repository.claim(pipeline: "p", limit: 2)
        _ = try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{}")
        let cancelled = try await repository.cancel(job.id, owner: nil)
        #expect(cancelled.state == .cancelled && cancelled.ok == 0 && cancelled.total == 3)
        #expect(try await repository.results(job: job.id, offset: 0, limit: 10).total == 0)
        #expect(try await repository.storeResult(video: claimed[1].id, status: "ok", json: "{}") == false, "the engine's late result is dropped")
        #expect(try await repository.claim(pipeline: "p", limit: 5).isEmpty, "its queued video is gone")
        #expect(try await repository.load(window: 60).queued == 0)
    }

    @Test func retentionDeletesOnlyFinishedJobsOlderThanTheCutoff() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let finished = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"]), maxQueued: 10)
        let pending = try await repository.submit(NewJob(pipeline: "p", videos: ["/b"]), maxQueued: 10)
        let claimed = try await repository.claim(pipeline: "p", limit: 1)
        #expect(claimed.first?.job == finished.id)
        _ = try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{}")
        #expect(try await repository.deleteFinished(before: Date().addingTimeInterval(-86_400)) == 0, "finished just now: kept")
        #expect(try await repository.deleteFinished(before: Date().addingTimeInterval(1)) == 1)
        await #expect(throws: JobRepositoryError.notFound(job: finished.id)) { try await repository.job(finished.id, owner: nil) }
        #expect(try await repository.job(pending.id, owner: nil).state == .queued)
    }

    @Test func aTokenSeesOnlyItsOwnJobs() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        let mine = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"], owner: "tok_a"), maxQueued: 10)
        let theirs = try await repository.submit(NewJob(pipeline: "p", videos: ["/b"], owner: "tok_b"), maxQueued: 10)
        #expect(try await repository.jobs(owner: "tok_a", offset: 0, limit: 10).jobs.map(\.id) == [mine.id])
        await #expect(throws: JobRepositoryError.forbidden(job: theirs.id)) { try await repository.job(theirs.id, owner: "tok_a") }
        await #expect(throws: JobRepositoryError.forbidden(job: theirs.id)) { try await repository.cancel(theirs.id, owner: "tok_a") }
        #expect(try await repository.jobs(owner: nil, offset: 0, limit: 10).total == 2, "without tokens: every job")
    }

    @Test func tokensAreStoredHashedAndRevocable() async throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let repository = try SQLiteJobRepository(path: path)
        #expect(try await repository.hasActiveTokens() == false)
        let (secret, token) = try await repository.createToken(name: "ci")
        #expect(secret.hasPrefix("fw_") && secret.count == 67)
        #expect(try await repository.hasActiveTokens())
        #expect(try await repository.tokenID(forSecret: secret) == token.id)
        #expect(try await repository.tokenID(forSecret: secret + "x") == nil)
        let stored = try await DatabaseQueue(path: path).read { db in try String.fetchOne(db, sql: "SELECT hash FROM tokens") }
        #expect(stored == BearerSecret.hash(secret) && stored != secret && stored?.count == 64)
        // Nowhere in the files (database and its WAL) is the secret itself.
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            let bytes = try Data(contentsOf: dir.appendingPathComponent(file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }
        #expect(try await repository.tokens().map(\.name) == ["ci"])
        #expect(try await repository.revokeToken("ci"))
        #expect(try await repository.tokenID(forSecret: secret) == nil)
        #expect(try await repository.hasActiveTokens() == false)
        #expect(try await repository.revokeToken("ci") == false)
    }

    @Test func sha256MatchesAKnownDigest() {
        #expect(BearerSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
