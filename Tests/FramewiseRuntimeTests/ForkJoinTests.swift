import FramewiseCore
import FramewiseMedia
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The DAG executor on real decoded video with fake models: fork-join wiring, one decode per
/// video, no frames mixed between videos running at the same time.
@Suite struct ForkJoinTests {
    static let k = 6

    static func forkJoinPipeline(sampling: SamplingPolicy = .fps(5), batch: Int = 4) -> (PipelineSpec, FakeBackend, [String: FakeSession]) {
        let pre = PreprocessSpec(width: 32, height: 24, scale: 1 / 255)
        let sessions: [String: FakeSession] = [
            "/m/a": .channelMeans(name: "a", width: 32, height: 24, outputs: k),
            "/m/b": .channelMeans(name: "b", width: 32, height: 24, outputs: k, bias: 1000),
            "/m/join": .adder(name: "join", width: k),
        ]
        let spec = PipelineSpec(
            name: "forkjoin", sampling: sampling,
            models: [
                ModelSpec(name: "a", path: "/m/a", preprocess: pre, batchLimit: batch),
                ModelSpec(name: "b", path: "/m/b", preprocess: pre, batchLimit: batch),
                ModelSpec(name: "join", path: "/m/join", batchLimit: batch),
            ],
            stages: [
                StageSpec(name: "left", model: "a"),
                StageSpec(name: "right", model: "b"),
                StageSpec(name: "both", model: "join", input: .tensors([
                    TensorBinding(input: "a", stage: "left", output: "features"), TensorBinding(input: "b", stage: "right"),
                ])),
            ])
        return (spec, FakeBackend(sessions: sessions), sessions)
    }

    static func numbers(_ v: JSONValue?, _ key: String) -> [Double] {
        guard case let .array(items)? = v?[key] else { return [] }
        return items.compactMap(\.number)
    }

    @Test func joinStageSeesBothBranchesOfTheSameFrame() async throws {
        let (spec, backend, sessions) = Self.forkJoinPipeline()
        let loaded = try LoadedPipeline(spec: spec, backend: backend)
        #expect(loaded.levels.map { $0.map(\.spec.name).sorted() } == [["left", "right"], ["both"]])
        let video = try Fixtures.require(Fixtures.path("media/h264.mp4"))
        let result = await PipelineRunner(pipeline: loaded).process(video: video)
        #expect(result.status == .ok, "\(result.error ?? "")")
        // 4 s at 5 fps.
        #expect(result.frames.count == 20)
        for frame in result.frames {
            let fields = Dictionary(uniqueKeysWithValues: frame.outputs.map { ($0.key, $0.value) })
            let left = Self.numbers(fields["left"], "features")
            let right = Self.numbers(fields["right"], "features")
            let both = Self.numbers(fields["both"], "sum")
            #expect(left.count == Self.k && right.count == Self.k && both.count == Self.k)
            for j in 0..<Self.k {
                #expect(abs(right[j] - left[j] - 1000) < 1e-2, "right = left + 1000 on the same frame")
                #expect(abs(both[j] - (left[j] + right[j])) < 1e-2, "join = left + right of frame \(frame.index)")
            }
        }
        // Each branch saw every sampled frame exactly once, in batches within the limit.
        for name in ["/m/a", "/m/b", "/m/join"] {
            let sizes = try #require(sessions[name]).batchSizes
            #expect(sizes.reduce(0, +) == 20)
            #expect(sizes.allSatisfy { $0 >= 1 && $0 <= 4 })
        }
        #expect(result.stats.sampledFrames == 20)
        // Decoded once for both branches: as many frames as one decoder alone decodes for this sampling.
        let alone = try VideoDecoder(path: video, sampling: spec.sampling)
        while try alone.next() != nil {}
        #expect(result.stats.decodedFrames == alone.decodedFrameCount)
        #expect(alone.decodedFrameCount > 0 && alone.decodedFrameCount <= 100)
    }

    @Test func concurrentVideosNeverMixFrames() async throws {
        let (spec, backend, _) = Self.forkJoinPipeline(sampling: .everyNth(3), batch: 3)
        let loaded = try LoadedPipeline(spec: spec, backend: backend)
        let videos = try ["media/h264.mp4", "media/mpeg4.avi", "media/odd.mp4", "media/h265.mp4"].map { try Fixtures.require(Fixtures.path($0)) }
        // Each video alone, then all together with 4 in flight: per-frame results must be identical.
        let single = PipelineRunner(pipeline: loaded, configuration: RunConfiguration(concurrentVideos: 1, workerThreads: 1))
        var alone: [String: [FrameResult]] = [:]
        for v in videos { alone[v] = await single.process(video: v).frames }
        let sink = MemorySink()
        let many = PipelineRunner(pipeline: loaded, configuration: RunConfiguration(concurrentVideos: 4, workerThreads: 3))
        let report = try await many.run(videos: videos, sink: sink)
        #expect(report.videosOK == 4)
        let results = await sink.results
        #expect(results.map(\.video) == videos, "results come in input order")
        for r in results {
            let expected = try #require(alone[r.video])
            #expect(r.frames.count == expected.count)
            for (a, b) in zip(r.frames, expected) {
                #expect(a.index == b.index && a.time == b.time)
                #expect(JSONValue.object(a.outputs) == JSONValue.object(b.outputs), "frame \(a.index) of \(r.video)")
            }
        }
    }
}
