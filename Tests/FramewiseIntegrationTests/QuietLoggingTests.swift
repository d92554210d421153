import Foundation
import FramewiseTesting
import Testing

/// ONNX Runtime's own log goes through swift-log: quiet by default, shown with `--verbose`.
@Suite struct QuietLoggingTests {
    /// A pipeline over the fixture model whose 5 unused initializers make ONNX Runtime warn once each.
    static func pipeline(in dir: URL) throws -> String {
        let model = try Fixtures.require(Fixtures.path("onnx/unused_initializers.onnx"))
        let path = dir.appendingPathComponent("p.yaml").path
        let yaml = "models:\n  m:\n    file: \(model)\n    preprocess: {size: [8, 8]}\nstages:\n  s:\n    model: m\n    input: frame\n"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func onnxRuntimeWarningsOnlyWithVerbose() throws {
        let dir = try CLITests.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = try Self.pipeline(in: dir)

        let quiet = try CLITests.framewise(["validate", pipeline])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.contains(": ok"))
        #expect(quiet.stdout.contains("note: model m: 5 unused initializers; `framewise optimize"), "validate notes what clean would fix:\n\(quiet.stdout)")
        #expect(!quiet.stderr.contains("Removing initializer"), "no ONNX Runtime warnings without --verbose:\n\(quiet.stderr)")
        #expect(!quiet.stderr.contains("onnxruntime") && !quiet.stderr.contains("\u{1B}["), "\(quiet.stderr)")

        let verbose = try CLITests.framewise(["validate", pipeline, "--verbose"])
        #expect(verbose.status == 0, "\(verbose.stderr)")
        let warnings = verbose.stderr.split(separator: "\n").filter { $0.contains("Removing initializer") }
        #expect(warnings.count == 5, "one warning per unused initializer:\n\(verbose.stderr)")
        for line in warnings {
            #expect(line.contains("warning framewise.onnxruntime"), "through swift-log: \(line)")
            #expect(!line.contains("\u{1B}"), "no ANSI colour codes: \(line)")
        }
        #expect(warnings.contains { $0.contains("bn4.num_batches_tracked") })
    }
}
