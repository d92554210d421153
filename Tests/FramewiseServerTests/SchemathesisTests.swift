import Foundation
import FramewiseServer
import FramewiseTesting
import Testing

/// schemathesis (from `scripts/requirements-test.txt`, installed into `.venv` by `scripts/setup.sh`)
/// generates requests from the OpenAPI document against a live server with a token and a real
/// job: no server error, and every response conforms to the document.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SchemathesisTests {
    @Test func theLiveServerConformsToItsOpenAPIDocument() async throws {
        let schemathesis = Fixtures.projectRoot.appendingPathComponent(".venv/bin/schemathesis").path
        guard FileManager.default.isExecutableFile(atPath: schemathesis) else {
            throw TestFailure("missing \(schemathesis): run scripts/setup.sh (it installs scripts/requirements-test.txt)")
        }
        let fixture = try ServerFixture(videos: 1)
        defer { fixture.remove() }
        let secret = try await SQLiteJobRepository(path: fixture.database).createToken(name: "schemathesis").secret
        let running = try await RunningServer.start(fixture.configuration())
        let id = try #require(try await running.client.submit(fixture.videos, token: secret).json["id"] as? String)
        _ = try await running.client.waitUntilFinal(id, token: secret)
        // A real job id for the {id} routes, so they are exercised beyond 404.
        let config = fixture.dir.appendingPathComponent("schemathesis.toml")
        try "[parameters]\n\"path.id\" = \"\(id)\"\n".write(to: config, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: schemathesis)
        process.currentDirectoryURL = fixture.dir
        // use_after_free is left out by design: DELETE cancels a job, which stays readable as "cancelled".
        process.arguments = ["--config-file", config.path, "run", running.client.base + "/openapi.yaml", "--url", running.client.base,
                             "-H", "Authorization: Bearer \(secret)", "--checks", "all", "--exclude-checks", "use_after_free",
                             "--max-examples", "25", "--workers", "1", "--seed", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text.suffix(4000))")
        #expect(text.contains("Tested: 8") || text.contains("Tested: 9"), "every operation tested: \(text.suffix(1500))")
        #expect(!text.contains(secret), "the token is filtered from schemathesis' report")
        #expect(try await running.client.send("GET", "/healthz").status == 200, "the server goes on")
        try await running.stop()
    }
}
