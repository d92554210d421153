import Foundation
import FramewiseCore
import FramewiseOptimize
import FramewisePlanner
import Testing

/// The tuned pipeline's YAML: each choice written in place, commented, and loadable.
@Suite struct TunedPipelineWriterTests {
    static func profile(_ ms: [Int: Double]) -> ModelProfile {
        ModelProfile(modelName: "det", deviceName: "cpu", entries: ms.map { BatchProfile(batchSize: $0.key, latencyMean: $0.value / 1000) },
                     intraOpThreads: 1)
    }

    /// A detector tuned to a dynamic size is written as `dynamic_size` under its model's preprocessing,
    /// and the file parses back with both axes dynamic and everything else as written.
    @Test func aDynamicSizeIsWrittenAsDynamicSize() throws {
        let path = Examples.pipelinePath("ocr")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let spec = try PipelineLoader.parse(yaml: text, file: path, baseDirectory: base)
        let stage = TuneStage(name: "det", candidates: [
            TuneCandidate(variant: "original", profile: Self.profile([1: 60, 2: 118]), agreement: 1),
            TuneCandidate(variant: "original", dynamicWidth: 32, dynamicHeight: 32, profile: Self.profile([1: 45, 2: 90]), agreement: 0.98),
        ], defaultBatch: 2)
        let target = TuneTarget(latency: 1, minAgreement: 0.95)
        let search = TuneSearch(stages: [stage], samplings: [TuneSampling(policy: "{fps: 1}", framesPerVideo: 6, agreement: 1)], target: target)
        let yaml = try TunedPipelineWriter.write(original: text, spec: spec, plan: try search.search(), reference: try search.reference(), target: target)
        #expect(yaml.contains("dynamic_size: 32  # was a fixed size"), "\(yaml)")
        let tuned = try PipelineLoader.parse(yaml: yaml, file: path, baseDirectory: base)
        let det = try #require(tuned.model(named: "det")?.preprocess)
        #expect(det.dynamicWidth == 32 && det.dynamicHeight == 32 && det.size == PixelSize(width: 640, height: 384))
        #expect(tuned.model(named: "rec")?.preprocess == spec.model(named: "rec")?.preprocess)
    }
}
