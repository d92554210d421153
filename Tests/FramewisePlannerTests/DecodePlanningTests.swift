import FramewiseCore
import Foundation
import FramewisePlanner
import Testing

/// Decoding as a pseudo-stage of CPU plans (and CPU cores beside GPU plans).
@Suite("Decode in plans")
struct DecodePlanningTests {
    /// 0.1 s at batch 1, 0.2 s at batch 4: 20 items/s per worker at batch 4.
    static func profile(device: String) -> ModelProfile {
        ModelProfile(modelName: "m", deviceName: device, entries: [
            BatchProfile(batchSize: 1, latencyMean: 0.1), BatchProfile(batchSize: 4, latencyMean: 0.2),
        ])
    }

    static let cpu = PlannerDevice(name: "cpu-test", kind: .cpu)
    static let gpu = PlannerDevice(name: "gpu-test", kind: .gpu)
    /// Requests one by one (no video bursts): these tests are about decoding's share.
    static let planner = Planner(profiles: ProfileCatalog([profile(device: "cpu-test"), profile(device: "gpu-test")]),
                                 configuration: .init(videoBursts: false))
    /// One stage, 10 frames per video.
    static let pipeline = PlannerPipeline(name: "one", stages: [PlannerStage(name: "s", model: "m", rateMultiplier: 10)])

    struct Case: Sendable, CustomTestStringConvertible {
        var rate: Double
        var decodeSeconds: Double?
        var devices: Int
        var dedicated: Int
        var capacity: Double
        var testDescription: String { "\(rate) videos/s, decode \(decodeSeconds.map { "\($0) s" } ?? "off")" }
    }

    @Test(arguments: [
        // 40 items/s: 2 saturated workers at batch 4 without decoding. Decoding 2 cores: on 4
        // workers each gives half its core to decoding, batch 4 takes 0.4 s, 10 items/s per worker.
        Case(rate: 4, decodeSeconds: 0.5, devices: 4, dedicated: 0, capacity: 4),
        Case(rate: 4, decodeSeconds: nil, devices: 2, dedicated: 0, capacity: 4),
        // 30 items/s: 1 saturated worker + a half-busy residual without decoding; with 1.5 cores of
        // decoding spread over 3 workers, 3 saturated workers at half speed.
        Case(rate: 3, decodeSeconds: 0.5, devices: 3, dedicated: 0, capacity: 3),
        Case(rate: 3, decodeSeconds: nil, devices: 2, dedicated: 0, capacity: 3),
        // 10 items/s: one half-busy worker; 0.4 cores of decoding slow it to 0.6 of its speed:
        // batch 4 every 0.4 s takes 0.333 s, still fits.
        Case(rate: 1, decodeSeconds: 0.4, devices: 1, dedicated: 0, capacity: 1),
        // 0.6 cores of decoding would leave one worker 0.4 of its speed, too slow for 10 items/s:
        // two workers, each 0.7 of its speed, the models on one.
        Case(rate: 1, decodeSeconds: 0.6, devices: 2, dedicated: 1, capacity: 1),
        // Free decoding changes nothing.
        Case(rate: 3, decodeSeconds: 0, devices: 2, dedicated: 0, capacity: 3),
    ])
    func cpuPlansCountDecoding(_ c: Case) throws {
        let plan = try Self.planner.plan(pipeline: Self.pipeline, rate: c.rate, slo: 1, device: Self.cpu,
                                         decode: c.decodeSeconds.map { DecodeCost(secondsPerVideo: $0, framesPerVideo: 10) })
        #expect(plan.deviceCount == c.devices)
        #expect((plan.decode?.dedicatedWorkers ?? 0) == c.dedicated)
        #expect(close(plan.predictedCapacity ?? -1, c.capacity, tolerance: 1e-6))
        #expect(Double(plan.deviceCount) >= plan.lowerBound - 1e-9)
        guard let seconds = c.decodeSeconds, let decode = plan.decode else {
            #expect(plan.decode == nil)
            return
        }
        #expect(decode.countedInDevices)
        #expect(close(decode.cores, c.rate * seconds))
        #expect(close(decode.shares.reduce(0) { $0 + $1.cores }, decode.cores, tolerance: 1e-6))
        // An equal share of every worker; the models' workers stay within their (slowed) duty cycles.
        #expect(decode.shares.map(\.worker) == Array(0..<plan.deviceCount) || seconds == 0)
        for share in decode.shares { #expect(close(share.cores, decode.cores / Double(plan.deviceCount))) }
        for worker in plan.allocations { #expect(worker.occupancy <= 1 + 1e-9) }
        #expect(decode.dedicatedWorkers == plan.deviceCount - plan.allocations.count)
        #expect(plan.worstCaseLatency <= 1 + 1e-9)
    }

    @Test func gpuPlansReportDecodingAsHostCores() throws {
        let cost = DecodeCost(secondsPerVideo: 0.5, framesPerVideo: 10)
        let without = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.gpu)
        let with = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.gpu, decode: cost)
        #expect(with.deviceCount == without.deviceCount)
        #expect(with.lowerBound == without.lowerBound)
        #expect(with.predictedCapacity == without.predictedCapacity)
        let decode = try #require(with.decode)
        #expect(!decode.countedInDevices)
        #expect(close(decode.cores, 1.5))
        #expect(decode.dedicatedWorkers == 2)  // host cores to provision
        #expect(decode.shares.isEmpty)
        #expect(close(decode.secondsPerFrame, 0.05))
    }

    @Test func decodingSlowsTheModelsOnCPU() throws {
        let cost = DecodeCost(secondsPerVideo: 0.5, framesPerVideo: 10)
        let without = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.cpu)
        let with = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.cpu, decode: cost)
        // 1.5 cores over 3 workers: half of each core decodes, batch 4 takes 0.4 s instead of 0.2 s.
        #expect(close(without.rows[0].dutyCycle, 0.2))
        #expect(close(with.rows[0].dutyCycle, 0.4))
        #expect(with.rows[0].batchSize == 4 && with.rows[0].instances == 3)
        #expect(close(with.worstCaseLatency, 0.8))
        #expect(close(with.lowerBound, without.lowerBound + 1.5))
    }

    struct RateCase: Sendable, CustomTestStringConvertible {
        var device: PlannerDevice
        var devices: Int
        var decodeSeconds: Double?
        var rate: Double
        var testDescription: String { "\(device.kind) x\(devices), decode \(decodeSeconds.map { "\($0) s" } ?? "off")" }
    }

    /// Per video: 10 items at 20 items/s = 0.5 worker-seconds, plus decoding on CPU.
    @Test(arguments: [
        RateCase(device: cpu, devices: 2, decodeSeconds: nil, rate: 4),
        RateCase(device: cpu, devices: 2, decodeSeconds: 0.5, rate: 2),
        RateCase(device: cpu, devices: 1, decodeSeconds: 0.5, rate: 1),
        RateCase(device: cpu, devices: 3, decodeSeconds: 0.25, rate: 4),
        RateCase(device: gpu, devices: 2, decodeSeconds: 0.5, rate: 4),
    ])
    func highestRateOnDevices(_ c: RateCase) throws {
        let plan = try #require(try Self.planner.plan(
            pipeline: Self.pipeline, slo: 1, device: c.device, devices: c.devices,
            decode: c.decodeSeconds.map { DecodeCost(secondsPerVideo: $0, framesPerVideo: 10) }))
        #expect(plan.deviceCount <= c.devices)
        #expect(close(plan.rate, c.rate, tolerance: 1e-3))
    }

    @Test func highestRateFitsAndStaysBelowTheBound() throws {
        let catalog = ProfileCatalog([Nexus.a, Nexus.b, Nexus.c])
        let pipeline = PlannerPipeline(name: "faces", stages: [
            PlannerStage(name: "detect", model: "hash-A"),
            PlannerStage(name: "faces", model: "B", inputs: ["detect"], rateMultiplier: 3),
            PlannerStage(name: "scene", model: "C", inputs: ["detect"], rateMultiplier: 0.5),
        ])
        let device = PlannerDevice(name: "GPU")
        let planner = Planner(profiles: catalog)
        for devices in 1...6 {
            let plan = try #require(try planner.plan(pipeline: pipeline, slo: 0.6, device: device, devices: devices))
            let unit = try planner.plan(pipeline: pipeline, rate: 1, slo: 0.6, device: device)
            #expect(plan.deviceCount <= devices)
            #expect(plan.rate <= Double(devices) / unit.lowerBound * (1 + 1e-9))
            #expect(plan.rate > 0)
        }
    }

    @Test(arguments: [
        (DecodeCost(secondsPerVideo: -1), PlannerError.invalidArgument("decode cost -1.0 s per video must be finite and non-negative")),
        (DecodeCost(secondsPerVideo: .nan), .invalidArgument("decode cost nan s per video must be finite and non-negative")),
        (DecodeCost(secondsPerVideo: 1, framesPerVideo: .infinity),
         .invalidArgument("decode cost: inf frames per video must be finite and non-negative")),
    ])
    func rejectsInvalidDecodeCosts(cost: DecodeCost, error: PlannerError) {
        #expect(throws: error) {
            try Self.planner.plan(pipeline: Self.pipeline, rate: 1, slo: 1, device: Self.cpu, decode: cost)
        }
    }

    @Test func rejectsNoDevices() {
        #expect(throws: PlannerError.invalidArgument("0 devices: need at least 1")) {
            try Self.planner.plan(pipeline: Self.pipeline, slo: 1, device: Self.cpu, devices: 0)
        }
    }

    @Test func plansWithDecodeRoundTripAndOldPlansStillLoad() throws {
        let with = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.cpu,
                                         decode: DecodeCost(secondsPerVideo: 0.5, framesPerVideo: 10))
        #expect(try JSONDecoder().decode(CapacityPlan.self, from: JSONEncoder().encode(with)) == with)
        let old = try Self.planner.plan(pipeline: Self.pipeline, rate: 3, slo: 1, device: Self.cpu)
        let json = try #require(String(data: JSONEncoder().encode(old), encoding: .utf8))
        #expect(!json.contains("\"decode\""))
        #expect(try JSONDecoder().decode(CapacityPlan.self, from: Data(json.utf8)).decode == nil)
    }

    struct ProfileCase: Sendable, CustomTestStringConvertible {
        var videoSeconds: Double
        var framesPerVideo: Double
        var secondsPerVideo: Double
        var secondsPerFrame: Double
        var testDescription: String { "\(videoSeconds) s videos" }
    }

    /// 4 videos, 40 s of video, 80 sampled frames, 2 CPU seconds: 0.05 CPU s per video-second.
    static let measured = DecodeProfile(pipeline: "p", sampling: "fps(2.0)", deviceName: "cpu-test", threadsPerDecoder: 1,
                                        videos: 4, videoSeconds: 40, sampledFrames: 80, decodedFrames: 1000,
                                        cpuSeconds: 2, wallSeconds: 2.1)

    @Test(arguments: [
        ProfileCase(videoSeconds: 10, framesPerVideo: 20, secondsPerVideo: 0.5, secondsPerFrame: 0.025),
        ProfileCase(videoSeconds: 60, framesPerVideo: 120, secondsPerVideo: 3, secondsPerFrame: 0.025),
        ProfileCase(videoSeconds: 5, framesPerVideo: 0, secondsPerVideo: 0.25, secondsPerFrame: 0),
    ])
    func decodeProfileScalesWithVideoLength(_ c: ProfileCase) throws {
        #expect(close(Self.measured.secondsPerVideo, 0.5))
        #expect(close(Self.measured.secondsPerSampledFrame, 0.025))
        let cost = try Self.measured.cost(videoSeconds: c.videoSeconds, framesPerVideo: c.framesPerVideo)
        #expect(close(cost.secondsPerVideo, c.secondsPerVideo))
        let plan = try Self.planner.plan(pipeline: Self.pipeline, rate: 1, slo: 1, device: Self.cpu, decode: cost)
        #expect(close(plan.decode?.secondsPerFrame ?? -1, c.secondsPerFrame))
    }

    @Test func emptyDecodeProfilesAreRejected() {
        var empty = Self.measured
        empty.videos = 0
        #expect(throws: PlannerError.self) { try empty.cost(videoSeconds: 10, framesPerVideo: 20) }
        #expect(throws: PlannerError.self) { try Self.measured.cost(videoSeconds: 0, framesPerVideo: 20) }
    }
}
