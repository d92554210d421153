import Foundation
import FramewiseCore
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
}
