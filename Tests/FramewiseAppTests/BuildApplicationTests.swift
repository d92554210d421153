import Foundation
import FramewiseApp
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import FramewiseTesting
import Testing

/// One builder from configuration, as the CLI and the server use it: real ONNX Runtime, real video.
@Suite struct BuildApplicationTests {
    static func tinyPipeline(in dir: URL, threads: Int? = nil) throws -> String {
        let model = try Fixtures.require(Fixtures.path("onnx/cnn_dynamic.onnx"))
        let yaml = """
            name: tiny
            sampling: {fps: 2}
            models:
              cnn:
                file: \(model)
                batch: 4\(threads.map { "\n    threads: \($0)" } ?? "")
                preprocess:
                  size: [32, 32]
            stages:
              classify: {model: cnn, input: frame, postprocess: raw}
            """
        let path = dir.appendingPathComponent("tiny-\(threads ?? 0).yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-app-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func buildsAndRunsAVideo() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let app = try buildApplication(AppConfiguration(pipelinePath: try Self.tinyPipeline(in: dir), engine: EngineConfiguration(decoders: 2, workerThreads: 1)))
        #expect(app.pipeline.spec.name == "tiny")
        #expect(app.pipeline.stages.first?.model.resolvedSession.intraOpThreads == 1, "one intra-op thread per CPU worker by default")
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let sink = MemorySink()
        let report = try await app.run(videos: [video, video], sink: sink, arrivals: [0, 0.05])
        let results = await sink.results
        #expect(results.count == 2 && results.allSatisfy { $0.status == .ok && !$0.frames.isEmpty })
        #expect(report.maxInFlight == 2)
        #expect(report.offeredRate.map { abs($0 - 20) < 1e-9 } == true, "one gap of 50 ms: 20 videos/s offered")
        #expect(report.arrivalRate.map { abs($0 - 20) < 1e-9 } == true)
    }

    @Test func aRunReportsTheRateVideosArrivedAtBesideTheRateOffered() async throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let app = try buildApplication(AppConfiguration(pipelinePath: try Self.tinyPipeline(in: dir), engine: EngineConfiguration(decoders: 2, workerThreads: 1)))
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        // Drawn at 4 videos/s, the sample happened to arrive at 2 gaps over 0.4 s: 5 videos/s.
        let report = try await app.run(videos: [video, video, video], sink: MemorySink(), arrivals: [0.1, 0.3, 0.5], offeredRate: 4)
        #expect(report.offeredRate == 4)
        #expect(report.arrivalRate.map { abs($0 - 5) < 1e-9 } == true, "\(String(describing: report.arrivalRate))")
        #expect(report.json.jsonText.contains("\"arrival_rate\":"))
    }

    @Test func aBadPipelineIsAnInvalidPipelineErrorAndNothingRuns() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.yaml").path
        try "name: bad\nmodels: {}\nstages:\n  s: {model: nowhere}\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect {
            try buildApplication(AppConfiguration(pipelinePath: path))
        } throws: { error in
            guard case let .invalidPipeline(issues)? = error as? AppError else { return false }
            return issues.description.contains("bad.yaml") && (error as? AppError)?.exitCode == 2
        }
    }

    @Test func aPlanIsAppliedAndOneInOtherUnitsIsRefused() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let profile = ModelProfile(modelName: "cnn", deviceName: "cpu", entries: [1, 2, 4].map { BatchProfile(batchSize: $0, latencyMean: 0.001 * Double($0)) },
                                   intraOpThreads: 1)
        var plan = try Planner(profiles: ProfileCatalog([profile])).plan(
            pipeline: PlannerPipeline(name: "tiny", stages: [PlannerStage(name: "classify", model: "cnn", rateMultiplier: 10)]),
            rate: 300, slo: 1, device: PlannerDevice(name: "cpu", kind: .cpu))
        plan.threadsPerWorker = 1
        let app = try buildApplication(AppConfiguration(pipelinePath: try Self.tinyPipeline(in: dir), plan: plan))
        #expect(app.engine.workerThreads == plan.deviceCount)
        #expect(app.engine.stages["classify"]?.batchLimit == plan.rows[0].batchSize)
        // A pipeline that runs its model with 2 threads is not what the plan's workers are.
        #expect {
            try buildApplication(AppConfiguration(pipelinePath: try Self.tinyPipeline(in: dir, threads: 2), plan: plan))
        } throws: { error in
            guard case let .invalidArgument(name, message)? = error as? AppError else { return false }
            return name == "--plan" && message.contains("2")
        }
    }
}
