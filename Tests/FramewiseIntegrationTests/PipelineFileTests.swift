import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// A pipeline whose stage cannot feed its model is rejected at load time, naming the line.
@Suite struct PipelineFileTests {
    @Test func modelInputMismatchIsReportedAtLoadWithTheLine() throws {
        let original = try String(contentsOfFile: Examples.pipelinePath("moderation"), encoding: .utf8)
        // open-nsfw declares a fixed 224x224 NHWC input; ask for 256x256.
        let edited = original.replacingOccurrences(of: "size: [224, 224]", with: "size: [256, 256]")
        #expect(edited != original)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let assets = Fixtures.projectRoot.appendingPathComponent("assets").path
        let yaml = edited.replacingOccurrences(of: "../../assets", with: assets)
        let file = dir.appendingPathComponent("bad.yaml").path
        try yaml.write(toFile: file, atomically: true, encoding: .utf8)
        let spec = try PipelineLoader.load(path: file)
        let backend = try Examples.backend()
        do {
            _ = try LoadedPipeline(spec: spec, backend: backend)
            Issue.record("a 256x256 input for a 224x224 model must be rejected")
        } catch {
            let issue = try #require(error.issues.first)
            #expect(issue.field == "models.nsfw.preprocess")
            let line = yaml.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("preprocess:") }.map { $0 + 1 }
            #expect(issue.location.line == line)
            #expect(error.description.contains("bad.yaml"))
            #expect(issue.message.contains("224"))
        }
    }

    @Test func examplesValidate() throws {
        for name in ["moderation", "ocr"] {
            let loaded = try Examples.load(name)
            #expect(!loaded.stages.isEmpty)
        }
    }
}
