import AsyncHTTPClient
import Foundation
import FramewiseCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// An open-loop load generator for a running `framewise serve`: jobs of one video each arrive
/// at Poisson (or evenly spaced) times whatever the server answers (a refused one is counted, not retried); each
/// accepted job is followed on its event stream until its result, then its status and results
/// are read once (timing the API's requests).
public struct LoadGenerator: Sendable {
    public let configuration: LoadConfiguration

    public init(configuration: LoadConfiguration) { self.configuration = configuration }

    /// One job's outcome.
    private struct Outcome: Sendable {
        enum Kind: Sendable { case completed(ok: Bool), rejected, error(String), timedOut }
        var kind: Kind
        var submittedAt: Double
        var finishedAt: Double?
        var millis: [(String, Double)] = []
    }

    /// Offers the load and reports. Throws `LoadError` when the server cannot be reached at all.
    /// The client runs on one event-loop thread of its own, and so do its tasks (the way
    /// `serve` handles requests): a request's time is then the server's and the network's, not
    /// thread wake-ups inside the measuring client.
    public func run() async throws -> LoadReport {
        var pool = HTTPClient.Configuration.ConnectionPool(idleTimeout: .seconds(60))
        pool.concurrentHTTP1ConnectionsPerHostSoftLimit = 10_000
        let loops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = HTTPClient(eventLoopGroupProvider: .shared(loops), configuration: .init(connectionPool: pool))
        let result = await withTaskExecutorPreference(EventLoopTaskExecutor(loop: loops.next())) {
            do { return Result<LoadReport, any Error>.success(try await run(client)) } catch { return .failure(error) }
        }
        try? await client.shutdown()
        try? await loops.shutdownGracefully()
        return try result.get()
    }

    private func run(_ client: HTTPClient) async throws -> LoadReport {
        guard !configuration.videos.isEmpty else { throw LoadError("no videos to submit") }
        let pipeline = try await resolvePipeline(client)
        try await openConnections(client)
        let count: Int
        var times: [Double]
        let process = try ArrivalProcess(rate: configuration.rate, kind: configuration.arrivals, seed: configuration.seed)
        if let jobs = configuration.jobs {
            count = jobs
            times = process.times(count: count)
        } else {
            let duration = configuration.duration ?? 10
            times = process.times(count: Int(configuration.rate * duration * 2) + 16).filter { $0 < duration }
            count = times.count
        }
        times = Array(times.prefix(count))
        let clock = ContinuousClock()
        let start = clock.now
        let elapsed: @Sendable () -> Double = { (clock.now - start).seconds }
        let outcomes = await withTaskGroup(of: Outcome.self, returning: [Outcome].self) { group in
            for (index, time) in times.enumerated() {
                let wait = time - elapsed()
                if wait > 0 { try? await Task.sleep(for: .microseconds(Int64(wait * 1e6))) }
                let video = configuration.videos[index % configuration.videos.count]
                group.addTask { await self.job(video: video, pipeline: pipeline, client: client, elapsed: elapsed) }
            }
            var all: [Outcome] = []
            for await outcome in group { all.append(outcome) }
            return all
        }
        var report = LoadReport()
        report.offeredRate = configuration.rate
        report.arrivals = configuration.arrivals
        report.submitted = outcomes.count
        var last = 0.0
        for outcome in outcomes {
            for (kind, ms) in outcome.millis { report.requestMillis[kind, default: []].append(ms) }
            switch outcome.kind {
            case let .completed(ok):
                report.accepted += 1
                report.completed += 1
                if ok { report.ok += 1 } else { report.failed += 1 }
                if let finished = outcome.finishedAt {
                    report.latencies.append(finished - outcome.submittedAt)
                    last = max(last, finished)
                }
            case .rejected: report.rejected += 1
            case let .error(message):
                report.errors += 1
                if report.errorSamples.count < 5 { report.errorSamples.append(message) }
            case .timedOut:
                report.accepted += 1
                report.timedOut += 1
            }
        }
        let first = outcomes.map { $0.submittedAt }.min() ?? 0
        report.wallSeconds = max(0, last - first)
        return report
    }

    /// Submits one job, follows it to its result, then reads its status and results once.
    private func job(video: String, pipeline: String, client: HTTPClient, elapsed: @Sendable () -> Double) async -> Outcome {
        var fields: [JSONField] = [JSONField("pipeline", .string(pipeline)), JSONField("videos", .array([.string(video)]))]
        if let slo = configuration.slo { fields.append(JSONField("slo", .string(slo))) }
        let submittedAt = elapsed()
        var outcome = Outcome(kind: .error("not sent"), submittedAt: submittedAt)
        let id: String
        do {
            let (status, body) = try await send(client, .POST, "/v1/jobs", body: JSONValue.object(fields).jsonText, limit: 1 << 20)
            outcome.millis.append(("submit", (elapsed() - submittedAt) * 1000))
            if status == 429 {
                outcome.kind = .rejected
                return outcome
            }
            guard status == 202, let parsed = Self.string("id", in: body) else {
                outcome.kind = .error("POST /v1/jobs answered \(status): \(body.prefix(200))")
                return outcome
            }
            id = parsed
        } catch {
            outcome.kind = .error("POST /v1/jobs: \(error)")
            return outcome
        }
        // The event stream ends with `end` once the job is final (or `shutdown`: then reconnect).
        var final: String?
        let deadline = submittedAt + configuration.resultTimeout
        while final == nil, elapsed() < deadline {
            do {
                let (status, body) = try await send(client, .GET, "/v1/jobs/\(id)/events", limit: 256 << 20, timeout: deadline - elapsed())
                guard status == 200 else {
                    outcome.kind = .error("GET /v1/jobs/\(id)/events answered \(status)")
                    return outcome
                }
                if let range = body.range(of: "event: end\ndata: ") {
                    final = String(body[range.upperBound...].prefix { $0 != "\n" })
                }
            } catch {
                if elapsed() >= deadline { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        guard let final else {
            outcome.kind = .timedOut
            return outcome
        }
        outcome.finishedAt = elapsed()
        outcome.kind = .completed(ok: Self.string("state", in: final) == "done")
        for (kind, path) in [("status", "/v1/jobs/\(id)"), ("results", "/v1/jobs/\(id)/results")] {
            let before = elapsed()
            if let (status, _) = try? await send(client, .GET, path, limit: 64 << 20), status == 200 {
                outcome.millis.append((kind, (elapsed() - before) * 1000))
            }
        }
        return outcome
    }

    /// Opens `configuration.connections` keep-alive connections at once (one `/healthz` request
    /// each, all in flight together, so the pool cannot serve two from one connection).
    private func openConnections(_ client: HTTPClient) async throws {
        guard configuration.connections > 0 else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<configuration.connections {
                group.addTask {
                    let (status, _) = try await send(client, .GET, "/healthz", limit: 1 << 16)
                    guard status == 200 else { throw LoadError("\(configuration.base)/healthz answered \(status) while opening connections") }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The pipeline to submit to: the configured one, else the server's only one.
    private func resolvePipeline(_ client: HTTPClient) async throws -> String {
        if let pipeline = configuration.pipeline { return pipeline }
        let body: String
        do { body = try await send(client, .GET, "/readyz", limit: 1 << 20).body } catch {
            throw LoadError("cannot reach \(configuration.base): \(error)")
        }
        guard let data = body.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let names = object["pipelines"] as? [String], !names.isEmpty else {
            throw LoadError("\(configuration.base)/readyz names no pipeline; give --pipeline")
        }
        guard names.count == 1 else { throw LoadError("the server serves \(names.joined(separator: ", ")); give --pipeline") }
        return names[0]
    }

    private func send(_ client: HTTPClient, _ method: HTTPMethod, _ path: String, body: String? = nil, limit: Int,
                      timeout: Double = 60) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: configuration.base + path)
        request.method = method
        if let token = configuration.token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .milliseconds(Int64(max(1, timeout) * 1000)))
        let bytes = try await response.body.collect(upTo: limit)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// A top-level string field of a JSON object.
    static func string(_ key: String, in text: String) -> String? {
        guard let data = text.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object[key] as? String
    }
}
