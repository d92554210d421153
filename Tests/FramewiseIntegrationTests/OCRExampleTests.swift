import Foundation
import FramewiseCore
import FramewiseOptimize
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The OCR example end to end: detection -> orientation -> recognition on crops (fan-out).
@Suite struct OCRExampleTests {
    @Test func readsTheRenderedWords() async throws {
        let pipeline = try Examples.load("ocr")
        #expect(pipeline.levels.map { $0.map(\.spec.name) } == [["det"], ["orient"], ["text"]])
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let words = try String(contentsOfFile: Fixtures.require(Fixtures.asset("videos/ocr_text.txt")), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        #expect(words.count >= 2)
        let r = try #require(try await Examples.run(pipeline, [video]).first)
        #expect(r.status == .ok, "\(r.error ?? "")")
        guard case let .array(texts)? = r.summaryValue("texts") else { Issue.record("no texts summary"); return }
        let read = texts.compactMap { if case let .string(s) = $0 { s } else { nil } }
        for word in words {
            #expect(read.contains(word), "read \(read), expected \(word)")
        }
        // Every frame: one crop per detected box, each with the text read from it.
        for frame in r.frames {
            let det = frame.outputs.first { $0.key == "det" }?.value["count"]?.number ?? -1
            guard case let .array(crops)? = frame.outputs.first(where: { $0.key == "text" })?.value else {
                Issue.record("frame \(frame.index) has no text output")
                continue
            }
            #expect(Double(crops.count) == det)
        }
    }

    /// The recogniser with `dynamic_width`: each batch only as wide as its widest crop. It reads the
    /// same rendered words, and the same text on nearly every crop, as the fixed 480-wide input.
    @Test func aDynamicWidthReadsTheSameWords() async throws {
        try await readsTheSameWords(model: "rec", written: "      size: [480, 48]\n", adding: "      dynamic_width: 32\n", minAlike: 0.9) {
            $0?.dynamicWidth == 32
        }
    }

    /// The detector with `dynamic_size`: each batch only as large as its frames letterboxed at the
    /// written scale (the 640x272 clip runs at 640x288, not 640x384). Same words; boxes move by a pixel
    /// or two near the cut padding (measured: 0-2 px), enough for the recogniser to read one line of 8
    /// differently ("VIDE0" for "VIDEO"), so 85% of lines alike, not 90%.
    @Test func aDynamicSizeDetectorReadsTheSameWords() async throws {
        try await readsTheSameWords(model: "det", written: "      size: [640, 384]\n", adding: "      dynamic_size: 32\n", minAlike: 0.85) {
            $0?.dynamicWidth == 32 && $0?.dynamicHeight == 32
        }
    }

    /// The OCR example with `adding` after `written` in `model`'s preprocessing reads every rendered
    /// word of the fixture, and at least `minAlike` of its lines as the example as written does.
    func readsTheSameWords(model: String, written: String, adding: String, minAlike: Double, check: (PreprocessSpec?) -> Bool) async throws {
        let path = Examples.pipelinePath("ocr")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(written))
        let yaml = text.replacingOccurrences(of: written, with: written + adding)
        let spec = try PipelineLoader.parse(yaml: yaml, file: path, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
        #expect(check(spec.model(named: model)?.preprocess))
        let dynamic = try LoadedPipeline(spec: spec, backend: Examples.backend())
        let video = try Fixtures.require(Fixtures.asset("videos/ocr_text.mp4"))
        let words = try String(contentsOfFile: Fixtures.require(Fixtures.asset("videos/ocr_text.txt")), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init)
        let fixed = try #require(try await Examples.run(try Examples.load("ocr"), [video]).first)
        let r = try #require(try await Examples.run(dynamic, [video]).first)
        #expect(r.status == .ok, "\(r.error ?? "")")
        guard case let .array(texts)? = r.summaryValue("texts") else { Issue.record("no texts summary"); return }
        let read = texts.compactMap { if case let .string(s) = $0 { s } else { nil } }
        for word in words { #expect(read.contains(word), "read \(read), expected \(word)") }
        var lines = 0, alike = 0
        for (a, b) in zip(fixed.frames, r.frames) {
            guard let x = a.outputs.first(where: { $0.key == "text" })?.value, let y = b.outputs.first(where: { $0.key == "text" })?.value else { continue }
            let n = OutputAgreement.itemsAgreeing(x, y)
            lines += n.items
            alike += n.agreeing
        }
        #expect(lines >= words.count)
        #expect(Double(alike) >= minAlike * Double(lines), "\(alike) of \(lines) lines read alike")
    }
}
