import Foundation
import FramewiseTesting
import Testing

/// `validate` (and every command's load) catches what `run` would hit on every video: each
/// model runs once on a dummy batch, summary paths are checked against each head's fields.
extension CLITests {
    /// The moderation pipeline with `edit` applied to its text, written as `p.yaml` in `dir`
    /// (model paths made absolute).
    static func editedModeration(in dir: URL, _ edit: (String) -> String) throws -> String {
        let source = Fixtures.projectRoot.appendingPathComponent("examples/moderation/pipeline.yaml")
        let models = Fixtures.projectRoot.appendingPathComponent("assets/models").path
        let text = try String(contentsOf: source, encoding: .utf8).replacingOccurrences(of: "../../assets/models", with: models)
        let path = dir.appendingPathComponent("p.yaml").path
        try edit(text).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func oddSizeFailsAtValidateWithASizeThatWorks() throws {
        _ = try Fixtures.require(Fixtures.asset("models/centerface.onnx"))
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.editedModeration(in: dir) { $0.replacingOccurrences(of: "size: [320, 256]", with: "size: [641, 479]") }
        let r = try Self.framewise(["validate", pipeline])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("p.yaml:22:"), "names the file and the line of the size: \(r.stderr)")
        #expect(r.stderr.contains("models.centerface.preprocess.size"), "\(r.stderr)")
        #expect(r.stderr.contains("stage 'faces'") && r.stderr.contains("641x479"), "\(r.stderr)")
        #expect(r.stderr.contains("multiples of 32") && r.stderr.contains("size: [640, 480]"), "says which size works: \(r.stderr)")
        #expect(!r.stderr.contains("onnxruntime") && !r.stderr.contains("Non-zero status") && !r.stderr.contains("\u{1B}["),
                "no raw ONNX Runtime text: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 2, "the issue line and nothing else: \(r.stderr)")

        // run stops at load the same way: exit 2, nothing written.
        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let run = try Self.framewise(["run", pipeline, video, "-o", output])
        #expect(run.status == 2 && run.stderr.contains("size: [640, 480]"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing ran")

        // The suggested size passes.
        let fixed = try Self.editedModeration(in: dir) { $0.replacingOccurrences(of: "size: [320, 256]", with: "size: [640, 480]") }
        let ok = try Self.framewise(["validate", fixed])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test func summaryPathNoHeadWritesIsAnError() throws {
        _ = try Fixtures.require(Fixtures.asset("models/centerface.onnx"))
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.editedModeration(in: dir) {
            $0.replacingOccurrences(of: "max_faces_in_a_frame: {stage: faces, value: count, reduce: max}",
                                    with: "max_faces_in_a_frame: {stage: faces, value: num_faces, reduce: max}")
        }
        let r = try Self.framewise(["validate", pipeline])
        #expect(r.status == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("p.yaml:39:"), "names the file and line: \(r.stderr)")
        #expect(r.stderr.contains("summary.max_faces_in_a_frame.value") && r.stderr.contains("'num_faces'"), "\(r.stderr)")
        #expect(r.stderr.contains("count, boxes, boxes.box, boxes.score, boxes.landmarks"), "lists the valid paths: \(r.stderr)")

        let output = dir.appendingPathComponent("out.jsonl").path
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let run = try Self.framewise(["run", pipeline, video, "-o", output])
        #expect(run.status == 2 && run.stderr.contains("num_faces"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output), "nothing ran")
    }

    @Test func validateVerbosePrintsEveryResolvedSetting() throws {
        _ = try Fixtures.require(Fixtures.asset("models/centerface.onnx"))
        let r = try Self.framewise(["validate", "examples/moderation/pipeline.yaml", "-v"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        func line(_ prefix: String, after start: String) -> String {
            guard let from = lines.firstIndex(where: { $0.hasPrefix(start) }) else { return "" }
            return lines[from...].first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(prefix) } ?? ""
        }
        // Written in the file, and the defaults it leaves out (scale, std, dtype, batching, threads).
        let nsfw = line("preprocess", after: "model nsfw")
        #expect(nsfw.contains("size [224, 224], layout nhwc, channels bgr, dtype float32, scale 1, mean [104, 117, 123], std [1, 1, 1], resize stretch to 256x256, centre crop"), "\(nsfw)")
        let faces = line("preprocess", after: "model centerface")
        #expect(faces.contains("layout nchw, channels rgb, dtype float32, scale 1, mean [0, 0, 0], std [1, 1, 1], resize letterbox top_left pad 0.0"), "\(faces)")
        #expect(line("batch", after: "model nsfw").contains("batch 8; batching: mode adaptive, max_queue_delay_ms 5, preferred any"), "\(r.stdout)")
        #expect(line("threads", after: "model nsfw").contains("threads 1 intra-op"), "\(r.stdout)")
        #expect(line("stage faces", after: "stage faces").contains("centerface (threshold 0.5, nms 0.3, max_boxes 100)"), "\(r.stdout)")
        #expect(line("stage nsfw", after: "stage nsfw").contains("classify (labels [sfw, nsfw], top_k 1, softmax false, output first)"), "\(r.stdout)")
        #expect(line("fields", after: "stage nsfw").contains("top, top.label, top.score, scores, scores.sfw, scores.nsfw"), "\(r.stdout)")
        #expect(r.stdout.contains("sampling: 2.0 fps"), "\(r.stdout)")

        // Without -v: the short form only, and one stage counted as one.
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let single = try Self.editedModeration(in: dir) { text in
            String(text[..<(text.range(of: "  faces:")?.lowerBound ?? text.endIndex)]) + "summary:\n  max_nsfw: {stage: nsfw, value: scores.nsfw, reduce: max}\n"
        }
        let short = try Self.framewise(["validate", single])
        #expect(short.status == 0, "\(short.stderr)")
        #expect(short.stdout.contains(": ok (1 stage in 1 level)"), "\(short.stdout)")
        #expect(!short.stdout.contains("preprocess"), "\(short.stdout)")
    }
}
