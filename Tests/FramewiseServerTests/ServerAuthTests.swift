import Foundation
import FramewiseServer
import Testing

/// Bearer tokens: once any exists, every /v1 route needs one, and a token sees only its jobs.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ServerAuthTests {
    @Test func withTokensEveryV1RouteNeedsOneAndSeesOnlyItsOwnJobs() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let repository = try SQLiteJobRepository(path: fixture.database)
        let alice = try await repository.createToken(name: "alice").secret
        let bob = try await repository.createToken(name: "bob").secret
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client

        let anonymous = try await client.submit(fixture.videos)
        #expect(anonymous.status == 401 && anonymous.error?.field == "Authorization")
        #expect(anonymous.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let forged = "fw_" + String(repeating: "0", count: 64)
        let wrong = try await client.send("GET", "/v1/jobs", token: forged)
        #expect(wrong.status == 401)
        #expect(!wrong.body.contains(forged) && !wrong.body.contains(alice) && !wrong.body.contains(bob), "no secret in the error: \(wrong.body)")
        #expect(try await client.send("GET", "/v1/jobs", headers: ["Authorization": "Basic \(alice)"]).status == 401)
        #expect(try await client.send("GET", "/healthz").status == 200, "health needs no token")

        let accepted = try await client.submit(fixture.videos, token: alice)
        #expect(accepted.status == 202, "\(accepted.body)")
        let id = try #require(accepted.json["id"] as? String)
        for (method, path) in [("GET", "/v1/jobs/\(id)"), ("GET", "/v1/jobs/\(id)/results"), ("GET", "/v1/jobs/\(id)/events"), ("DELETE", "/v1/jobs/\(id)")] {
            let reply = try await client.send(method, path, token: bob)
            #expect(reply.status == 403 && reply.error?.field == "id", "\(method) \(path): \(reply.body)")
            #expect(!reply.body.contains(alice) && !reply.body.contains(bob))
            #expect(try await client.send(method, path).status == 401)
        }
        #expect(try await client.send("GET", "/v1/jobs", token: bob).json["total"] as? Int == 0, "bob lists none of alice's jobs")
        let mine = try await client.send("GET", "/v1/jobs", token: alice)
        #expect((mine.json["jobs"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
        #expect(try await client.waitUntilFinal(id, token: alice)["state"] as? String == "done")

        // Revoked: refused at once, even mid-run of the server.
        #expect(try await repository.revokeToken("alice"))
        #expect(try await client.send("GET", "/v1/jobs/\(id)", token: alice).status == 401)
        try await running.stop()
    }

    @Test func aTokenMadeWhileALoopbackServerRunsIsRequiredSoonAfter() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let running = try await RunningServer.start(fixture.configuration())
        let client = running.client
        #expect(try await client.send("GET", "/v1/jobs").status == 200, "no token yet: none needed on loopback")
        let secret = try await SQLiteJobRepository(path: fixture.database).createToken(name: "late").secret
        // The server asks the store again at most a second later: poll with a deadline.
        let deadline = ContinuousClock.now + .seconds(10)
        var status = 200
        while ContinuousClock.now < deadline {
            status = try await client.send("GET", "/v1/jobs").status
            if status == 401 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(status == 401, "a request without a token is refused once a token exists")
        #expect(try await client.send("GET", "/v1/jobs", token: secret).status == 200)
        try await running.stop()
    }

    @Test func beyondLoopbackWithoutTokensTheServerRefusesToStart() async throws {
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        var configuration = fixture.configuration()
        configuration.bind = ListenAddress(host: "0.0.0.0", port: 0)
        await #expect {
            _ = try await buildServer(configuration)
        } throws: { error in
            guard case .unprotected? = error as? ServerError else { return false }
            return "\(error)".contains("without bearer tokens") && (error as? ServerError)?.exitCode == 2
        }
    }
}
