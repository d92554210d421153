import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FramewiseCore
import FramewiseRuntime
import FramewiseServer
import FramewiseTesting
import Testing

/// A temp folder with the tiny one-model pipeline and copies of a small fixture video.
struct ServerFixture {
    let dir: URL
    let pipeline: String
    let videos: [String]
    var database: String { dir.appendingPathComponent("jobs.sqlite").path }

    /// `videos` distinct copies of `.fixtures/media/h264.mp4` (4 s, 2 frames/s sampled).
    init(videos count: Int = 3) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-serve-\(UUID().uuidString)")
        let media = dir.appendingPathComponent("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        let model = try Fixtures.require(Fixtures.path("onnx/cnn_dynamic.onnx"))
        let source = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        pipeline = dir.appendingPathComponent("tiny.yaml").path
        try """
            name: tiny
            sampling: {fps: 2}
            models:
              cnn:
                file: \(model)
                batch: 4
                preprocess:
                  size: [32, 32]
            stages:
              classify: {model: cnn, input: frame, postprocess: raw}
            """.write(toFile: pipeline, atomically: true, encoding: .utf8)
        videos = try (0..<count).map { i in
            let path = media.appendingPathComponent(String(format: "v%03d.mp4", i)).path
            try FileManager.default.copyItem(atPath: source, toPath: path)
            return path
        }
    }

    var mediaRoot: String { dir.appendingPathComponent("media").path }

    /// The server's data folder (uploads, downloads).
    var dataDirectory: String { dir.appendingPathComponent("data").path }

    func configuration(maxQueued: Int = 1000, maxInFlight: Int = 2, allowPrivateURLs: [String] = [], maxUploadBytes: Int64 = 1 << 30,
                       postgres: PostgresURL? = nil) -> ServerConfiguration {
        ServerConfiguration(pipelines: [pipeline], bind: ListenAddress(host: "127.0.0.1", port: 0), databasePath: database,
                            postgres: postgres, dataDirectory: dataDirectory, maxUploadBytes: maxUploadBytes, allowPrivateURLs: allowPrivateURLs,
                            allowedRoots: [mediaRoot], maxQueued: maxQueued, maxInFlight: maxInFlight,
                            ortLibrary: Fixtures.onnxRuntimeLibrary, engine: EngineConfiguration(workerThreads: 1))
    }

    func remove() { try? FileManager.default.removeItem(at: dir) }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass; returns whether it held.
func eventually(within seconds: Double = 20, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// One HTTP exchange's outcome.
struct HTTPReply {
    var status: Int
    var headers: [String: String]
    var body: String
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    /// `error.field` and `error.message` of a JSON error body.
    var error: (field: String?, message: String)? {
        guard let error = json["error"] as? [String: Any], let message = error["message"] as? String else { return nil }
        return (error["field"] as? String, message)
    }
    func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
}

/// A small HTTP client on URLSession for the server under test.
struct TestClient: Sendable {
    let base: String

    func send(_ method: String, _ path: String, body: String? = nil, token: String? = nil, headers: [String: String] = [:]) async throws -> HTTPReply {
        try await send(method, path, data: body.map { Data($0.utf8) }, contentType: "application/json", token: token, headers: headers)
    }

    func send(_ method: String, _ path: String, data: Data?, contentType: String, token: String? = nil,
              headers: [String: String] = [:]) async throws -> HTTPReply {
        var request = URLRequest(url: try #require(URL(string: base + path)))
        request.httpMethod = method
        request.timeoutInterval = 30
        if let data {
            request.httpBody = data
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return HTTPReply(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    func submit(_ videos: [String], pipeline: String = "tiny", extra: String = "", token: String? = nil) async throws -> HTTPReply {
        let list = videos.map { "\"\($0)\"" }.joined(separator: ",")
        return try await send("POST", "/v1/jobs", body: "{\"pipeline\": \"\(pipeline)\", \"videos\": [\(list)]\(extra)}", token: token)
    }

    /// Polls the job until `state` is final; returns its last status.
    func waitUntilFinal(_ id: String, token: String? = nil, within seconds: Double = 30) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        _ = try await eventually(within: seconds) {
            last = try await send("GET", "/v1/jobs/\(id)", token: token).json
            return ["done", "failed", "cancelled"].contains(last["state"] as? String ?? "")
        }
        return last
    }
}

/// A server built in this process on a free port, run until `stop()`.
struct RunningServer {
    let server: JobServer
    let task: Task<Void, any Error>
    let client: TestClient

    static func start(_ configuration: ServerConfiguration, backend: (any InferenceBackend)? = nil) async throws -> RunningServer {
        let server = try await buildServer(configuration, backend: backend)
        let task = Task { try await server.run() }
        guard await eventually(within: 10, { server.port != nil }), let port = server.port else {
            task.cancel()
            throw TestFailure("the server did not start listening")
        }
        return RunningServer(server: server, task: task, client: TestClient(base: "http://127.0.0.1:\(port)"))
    }

    func stop() async throws {
        await server.shutdown()
        try await task.value
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs `framewise ARGUMENTS` to its end without blocking a thread of the cooperative pool (it
/// polls for the exit; `Process.waitUntilExit` would hold one of few threads while an in-process
/// server of a parallel test needs it). Output goes through temporary files.
func framewiseCLI(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (status: Int32, stdout: String, stderr: String) {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("fw-cli-\(UUID().uuidString)").path
    defer {
        try? FileManager.default.removeItem(atPath: base + ".out")
        try? FileManager.default.removeItem(atPath: base + ".err")
    }
    let child = try ChildProcess(path: "/bin/sh", arguments: ["-c", "exec \"$0\" \"$@\" >\"$FW_CLI_OUT\"", try Fixtures.require(Fixtures.framewiseBinary)] + arguments,
                                 environment: ["FW_CLI_OUT": base + ".out"], errorLog: base + ".err")
    guard let status = await child.exitStatus(timeout: timeout) else {
        child.send(SIGKILL)
        _ = await child.exitStatus(timeout: .seconds(10))
        throw TestFailure("framewise \(arguments.joined(separator: " ")) did not finish within \(timeout)")
    }
    let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
    let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
    return (status, out, err)
}
