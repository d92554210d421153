import Foundation
import FramewiseServer
import GRDB
import Testing

/// The stores a server runs on, each under the same tests.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }
}

/// One store under test: a fresh SQLite file or a fresh PostgreSQL database (on the shared
/// test server). `open()` gives another handle on the same data, as a restarted process gets.
struct StoreUnderTest: Sendable {
    let kind: StoreKind
    let dir: URL
    let postgres: PostgresURL?
    let sqlitePath: String

    /// `sqlitePath`: where the SQLite file goes (default: in a new temporary folder).
    init(_ kind: StoreKind, sqlitePath: String? = nil) async throws {
        self.kind = kind
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-repo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.sqlitePath = sqlitePath ?? dir.appendingPathComponent("jobs.sqlite").path
        postgres = kind == .postgres ? try await PostgresServerFixture.newDatabase() : nil
    }

    func open() async throws -> any ServerStore {
        if let postgres { return try await PostgresJobRepository(url: postgres) }
        return try SQLiteJobRepository(path: sqlitePath)
    }

    /// `serve`'s arguments naming this store.
    var serveArguments: [String] { postgres.map { ["--store", "postgres://\($0.user)@\($0.host):\($0.port)/\($0.database)"] } ?? ["--db", sqlitePath] }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// The job store contract, run against SQLite and PostgreSQL alike: stored before acknowledged,
/// one result per video, recovery after a crash, admission, cancellation, retention, ownership,
/// hashed tokens.
@Suite(.timeLimit(.minutes(3))) struct JobRepositoryTests {
    /// Runs `body` with a fresh store of `kind`, closing every handle and removing it after.
    func with(_ kind: StoreKind, _ body: (StoreUnderTest, any ServerStore) async throws -> Void) async throws {
        let store = try await StoreUnderTest(kind)
        defer { store.remove() }
        let repository = try await store.open()
        do {
            try await body(store, repository)
        } catch {
            await repository.close()
            throw error
        }
        await repository.close()
    }

    @Test(arguments: StoreKind.allCases) func aSubmittedJobIsStoredAndQueued(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a.mp4", "/b.mp4"], priority: 3, slo: 2), maxQueued: 10)
            #expect(job.state == .queued && job.total == 2 && job.ok == 0 && job.priority == 3 && job.slo == 2)
            // Another connection (a restarted process) sees it: it is stored.
            let reopened = try await store.open()
            #expect(try await reopened.job(job.id, owner: nil) == job)
            #expect(await reopened.ping())
            await reopened.close()
        }
    }

    @Test(arguments: StoreKind.allCases) func aJobKeepsTheIDItsCallerChose(_ kind: StoreKind) async throws {
        try await with(kind) { _, repository in
            let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"], id: "job_chosen"), maxQueued: 10)
            #expect(job.id == "job_chosen")
            #expect(try await repository.job("job_chosen", owner: nil).total == 1)
        }
    }

    @Test(arguments: StoreKind.allCases) func claimsFollowPriorityThenArrivalAcrossJobs(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
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
    }

    @Test(arguments: StoreKind.allCases) func aResultIsWrittenOnceAndItsVideoNeverHandedOutAgain(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a", "/b"]), maxQueued: 10)
            let claimed = try await repository.claim(pipeline: "p", limit: 2)
            #expect(try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{\"n\":1}"))
            #expect(try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{\"n\":2}") == false, "a second result is refused")
            #expect(try await repository.results(job: job.id, offset: 0, limit: 10).lines == ["{\"n\":1}"])
            // The process dies here: /b was running. A new process re-queues it, and only it.
            let restarted = try await store.open()
            defer { Task { await restarted.close() } }
            #expect(try await restarted.recoverInterrupted() == 1)
            let again = try await restarted.claim(pipeline: "p", limit: 2)
            #expect(again.map(\.path) == ["/b"])
            #expect(try await restarted.storeResult(video: again[0].id, status: "failed", json: "{\"n\":3}"))
            let done = try await restarted.job(job.id, owner: nil)
            #expect(done.state == .done && done.ok == 1 && done.failed == 1 && done.finishedAt != nil && done.progress == 1)
            #expect(try await restarted.results(job: job.id, offset: 0, limit: 10).lines == ["{\"n\":1}", "{\"n\":3}"])
            #expect(try await restarted.results(job: job.id, after: 0).map(\.position) == [0, 1], "in the order they were stored")
            #expect(try await restarted.claim(pipeline: "p", limit: 2).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases) func aJobWhoseEveryVideoFailedIsFailed(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            let job = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"]), maxQueued: 10)
            let claimed = try await repository.claim(pipeline: "p", limit: 1)
            _ = try await repository.storeResult(video: claimed[0].id, status: "failed", json: "{}")
            #expect(try await repository.job(job.id, owner: nil).state == .failed)
        }
    }

    @Test(arguments: StoreKind.allCases) func aFullQueueRefusesTheWholeJobAndStoresNothing(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
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
    }

    @Test(arguments: StoreKind.allCases) func cancellingRemovesResultsAndPendingVideosAndDropsLateResults(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
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
    }

    @Test(arguments: StoreKind.allCases) func retentionDeletesOnlyFinishedJobsOlderThanTheCutoff(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            let finished = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"]), maxQueued: 10)
            let pending = try await repository.submit(NewJob(pipeline: "p", videos: ["/b"]), maxQueued: 10)
            let claimed = try await repository.claim(pipeline: "p", limit: 1)
            #expect(claimed.first?.job == finished.id)
            _ = try await repository.storeResult(video: claimed[0].id, status: "ok", json: "{}")
            #expect(try await repository.deleteFinished(before: Date().addingTimeInterval(-86_400)).isEmpty, "finished just now: kept")
            #expect(try await repository.deleteFinished(before: Date().addingTimeInterval(1)) == [finished.id])
            await #expect(throws: JobRepositoryError.notFound(job: finished.id)) { try await repository.job(finished.id, owner: nil) }
            #expect(try await repository.job(pending.id, owner: nil).state == .queued)
        }
    }

    @Test(arguments: StoreKind.allCases) func aTokenSeesOnlyItsOwnJobs(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            let mine = try await repository.submit(NewJob(pipeline: "p", videos: ["/a"], owner: "tok_a"), maxQueued: 10)
            let theirs = try await repository.submit(NewJob(pipeline: "p", videos: ["/b"], owner: "tok_b"), maxQueued: 10)
            #expect(try await repository.jobs(owner: "tok_a", offset: 0, limit: 10).jobs.map(\.id) == [mine.id])
            await #expect(throws: JobRepositoryError.forbidden(job: theirs.id)) { try await repository.job(theirs.id, owner: "tok_a") }
            await #expect(throws: JobRepositoryError.forbidden(job: theirs.id)) { try await repository.cancel(theirs.id, owner: "tok_a") }
            await #expect(throws: JobRepositoryError.forbidden(job: theirs.id)) {
                try await repository.results(job: theirs.id, owner: "tok_a", offset: 0, limit: 10)
            }
            await #expect(throws: JobRepositoryError.notFound(job: "job_none")) { try await repository.results(job: "job_none", owner: nil, offset: 0, limit: 10) }
            #expect(try await repository.results(job: mine.id, owner: "tok_a", offset: 0, limit: 10).total == 0)
            #expect(try await repository.jobs(owner: nil, offset: 0, limit: 10).total == 2, "without tokens: every job")
        }
    }

    @Test(arguments: StoreKind.allCases) func tokensAreStoredHashedAndRevocable(_ kind: StoreKind) async throws {
        try await with(kind) { store, repository in
            #expect(try await repository.hasActiveTokens() == false)
            let (secret, token) = try await repository.createToken(name: "ci")
            #expect(secret.hasPrefix("fw_") && secret.count == 67)
            #expect(try await repository.hasActiveTokens())
            #expect(try await repository.tokenID(forSecret: secret) == token.id)
            #expect(try await repository.tokenID(forSecret: secret + "x") == nil)
            let stored = try await Self.storedHashes(store)
            #expect(stored == [BearerSecret.hash(secret)] && !stored.contains(secret) && stored.first?.count == 64)
            #expect(try await repository.tokens().map(\.name) == ["ci"])
            #expect(try await repository.revokeToken("ci"))
            #expect(try await repository.tokenID(forSecret: secret) == nil)
            #expect(try await repository.hasActiveTokens() == false)
            #expect(try await repository.revokeToken("ci") == false)
        }
    }

    /// The token hashes as the database holds them, read past the repository.
    static func storedHashes(_ store: StoreUnderTest) async throws -> [String] {
        if let postgres = store.postgres {
            let repository = try await PostgresJobRepository(url: postgres)
            let hashes = try await repository.storedTokenHashes()
            await repository.close()
            return hashes
        }
        return try await DatabaseQueue(path: store.sqlitePath).read { db in try String.fetchAll(db, sql: "SELECT hash FROM tokens") }
    }

    @Test func sqliteRunsInWALModeAndNoFileHoldsASecret() async throws {
        let store = try await StoreUnderTest(.sqlite)
        defer { store.remove() }
        let repository = try SQLiteJobRepository(path: store.sqlitePath)
        #expect(try await repository.journalMode() == "wal")
        #expect(try await repository.synchronousLevel() == 1, "by default commits are flushed at checkpoints (NORMAL)")
        #expect(try await SQLiteJobRepository(path: store.sqlitePath, sync: .full).synchronousLevel() == 2, "--store-sync full")
        let secret = try await repository.createToken(name: "ci").secret
        // Nowhere in the files (database and its WAL) is the secret itself.
        for file in try FileManager.default.contentsOfDirectory(atPath: store.dir.path) {
            let bytes = try Data(contentsOf: store.dir.appendingPathComponent(file))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds the secret")
        }
    }

    @Test func postgresURLsParseAndNeverShowTheirPassword() throws {
        let url = try PostgresURL(parsing: "postgres://fw:s3cret@db.example:5433/jobs?sslmode=require")
        #expect(url == PostgresURL(host: "db.example", port: 5433, user: "fw", password: "s3cret", database: "jobs", sslMode: .require))
        #expect(!url.redacted.contains("s3cret") && url.redacted.contains("db.example:5433/jobs"))
        for bad in ["mysql://a@b/c", "postgres://a@b", "postgres://b/c", "postgres://a@b/c?x=1", "postgres://a:pw@b:99999/c"] {
            #expect(throws: ServerError.self, "\(bad)") { try PostgresURL(parsing: bad) }
            do { _ = try PostgresURL(parsing: bad) } catch { #expect(!error.description.contains("pw"), "\(error)") }
        }
    }

    @Test func anUnreachablePostgresServerIsAStorageErrorNamingItWithoutThePassword() async throws {
        let port = try PostgresServerFixture.freePort()
        do {
            let repository = try await PostgresJobRepository(url: PostgresURL(host: "127.0.0.1", port: port, user: "fw", password: "hunter2", database: "x"),
                                                             connectWithin: .seconds(3))
            await repository.close()
            Issue.record("connected to a port nobody listens on")
        } catch {
            #expect(!error.description.contains("hunter2"), "\(error)")
            guard case .storage = error else { Issue.record("expected .storage, got \(error)"); return }
        }
    }

    @Test func sha256MatchesAKnownDigest() {
        #expect(BearerSecret.hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
