import Foundation
import FramewiseCore
import Testing

/// `input: {concat: [left.features, right.features], axis: 1}`: upstream tensors concatenated into one input.
@Suite struct ConcatJoinParsingTests {
    static func parse(_ stages: String) throws -> PipelineSpec {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-concat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["a.onnx", "j.onnx"] { FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: Data()) }
        let yaml = "models:\n  a: {file: a.onnx}\n  j: {file: j.onnx}\nstages:\n  left: {model: a}\n  right: {model: a}\n" + stages
        return try PipelineLoader.parse(yaml: yaml, file: "p.yaml", baseDirectory: dir.path)
    }

    @Test func wholeInputConcat() throws {
        let spec = try Self.parse("  head: {model: j, input: {concat: [left.features, right], axis: -1}}\n")
        let head = try #require(spec.stage(named: "head"))
        let binding = TensorBinding(input: "", concat: [TensorSource(stage: "left", output: "features"), TensorSource(stage: "right")], axis: -1)
        #expect(head.input == .tensors([binding]))
        #expect(head.dependencies == ["left", "right"])
        #expect(binding.field(stage: "head") == "stages.head.input.concat")
    }

    @Test func concatOfOneNamedInputBesideAPlainOne() throws {
        let spec = try Self.parse("  head: {model: j, input: {tensors: {x: {concat: [left.f, right.f]}, y: left.g}}}\n")
        let head = try #require(spec.stage(named: "head"))
        #expect(head.input == .tensors([
            TensorBinding(input: "x", concat: [TensorSource(stage: "left", output: "f"), TensorSource(stage: "right", output: "f")], axis: 1),
            TensorBinding(input: "y", stage: "left", output: "g"),
        ]), "axis defaults to 1, the first after the batch")
    }

    @Test(arguments: [
        ("{concat: [left.f, right.f], axis: 0}", "stages.head.input.axis", "batch axis"),
        ("{concat: [left.f]}", "stages.head.input.concat", "at least two"),
        ("{concat: [left.f, ghost.f]}", "stages.head.input.concat", "unknown stage 'ghost'"),
        ("{concat: [left.f, right.f], axes: 1}", "stages.head.input.axes", "unknown"),
    ])
    func badConcatIsReportedWithItsField(input: String, field: String, message: String) throws {
        do {
            _ = try Self.parse("  head:\n    model: j\n    input: \(input)\n")
            Issue.record("\(input) was accepted")
        } catch {
            let issue = error.issues.first { $0.field == field }
            #expect(issue?.message.contains(message) == true, "\(error)")
            #expect(issue?.location.line == 9, "\(error)")
        }
    }
}
