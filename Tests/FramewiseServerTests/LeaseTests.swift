import Foundation
import FramewiseServer
import Testing

/// Several servers on one PostgreSQL database: a claim is a lease. A live server's running videos
/// are not taken by another server starting; a dead server's come back once its lease expires; a
/// server restarted under its own name takes its videos back at once; results stay exactly once.
@Suite(.timeLimit(.minutes(2))) struct LeaseTests {
    @Test func serversSharingOneDatabaseTakeOverOnlyExpiredLeases() async throws {
        let store = try await StoreUnderTest(.postgres)
        defer { store.remove() }
        let url = try #require(store.postgres)
        let a = try await PostgresJobRepository(url: url, instance: "server-a", lease: .seconds(1))
        let b = try await PostgresJobRepository(url: url, instance: "server-b", lease: .seconds(1))
        let job = try await a.submit(NewJob(pipeline: "p", videos: ["/1.mp4", "/2.mp4", "/3.mp4"]), maxQueued: 10)
        let claimedByA = try await a.claim(pipeline: "p", limit: 2)
        #expect(claimedByA.count == 2)

        // B starting while A runs: A's videos stay A's; B gets only the queued one.
        #expect(try await b.recoverInterrupted() == 0)
        #expect(try await b.requeueExpiredLeases() == 0)
        #expect(try await b.claim(pipeline: "p", limit: 10).map(\.position) == [2])
        #expect(try await a.renewLeases() == 2)

        // A stops renewing (it died): once its leases expire, B puts its videos back and runs them.
        var requeued = 0
        let deadline = ContinuousClock.now + .seconds(20)
        while requeued == 0, ContinuousClock.now < deadline {
            _ = try await b.renewLeases()  // B is alive: its housekeeping renews its own
            requeued = try await b.requeueExpiredLeases()
            if requeued == 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(requeued == 2)
        let takenOver = try await b.claim(pipeline: "p", limit: 10)
        #expect(Set(takenOver.map(\.id)) == Set(claimedByA.map(\.id)))
        // A, late, still stores one: that result stands; B's for the same video is refused.
        let video = try #require(takenOver.first)
        #expect(try await a.storeResult(video: video.id, status: "ok", json: "{\"by\":\"a\"}"))
        #expect(try await b.storeResult(video: video.id, status: "ok", json: "{\"by\":\"b\"}") == false)
        #expect(try await a.results(job: job.id, offset: 0, limit: 10).total == 1)
        #expect(try await b.renewLeases() == 2, "B renews what it runs: the one without a result and its own")

        // B restarts under its own name: its running videos come back at once, no waiting for the lease.
        await b.close()
        let restarted = try await PostgresJobRepository(url: url, instance: "server-b", lease: .seconds(30))
        #expect(try await restarted.recoverInterrupted() == 2)
        #expect(try await restarted.claim(pipeline: "p", limit: 10).count == 2)
        await restarted.close()
        await a.close()
    }
}
