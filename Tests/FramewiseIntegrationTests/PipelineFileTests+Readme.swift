import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// What the README shows works as shown.
extension PipelineFileTests {
    /// The ```yaml blocks of a Markdown text, with the line each starts on.
    static func yamlBlocks(_ markdown: String) -> [(line: Int, text: String)] {
        var blocks: [(Int, String)] = []
        var current: (line: Int, lines: [Substring])?
        for (number, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```yaml" {
                current = (number + 2, [])
            } else if let block = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append((block.line, block.lines.joined(separator: "\n") + "\n"))
                current = nil
            } else {
                current?.lines.append(line)
            }
        }
        return blocks
    }

    @Test func everyReadmePipelineSnippetLoadsWithItsModels() throws {
        let readme = try String(contentsOf: Fixtures.projectRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = Self.yamlBlocks(readme)
        #expect(!blocks.isEmpty, "the README shows a pipeline file")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fw-readme-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // Snippets are written as if they were examples/NAME/pipeline.yaml: ../../assets resolves.
        let folder = root.appendingPathComponent("examples/readme")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("assets"),
                                                   withDestinationURL: Fixtures.projectRoot.appendingPathComponent("assets"))
        let backend = try Examples.backend()
        for (index, block) in blocks.enumerated() {
            let path = folder.appendingPathComponent("snippet\(index).yaml").path
            try block.text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                let loaded = try LoadedPipeline(spec: PipelineLoader.load(path: path), backend: backend)
                // As validate and run load it: each model run once on a dummy batch.
                try PipelineProbe.check(loaded, backend: backend)
                #expect(!loaded.stages.isEmpty, "README.md:\(block.line)")
            } catch {
                Issue.record("README.md:\(block.line): the snippet does not load: \(error)")
            }
        }
    }

    @Test func yamlBlocksAreFoundWithTheirLines() {
        let blocks = Self.yamlBlocks("text\n```yaml\na: 1\n```\n```\nnot yaml\n```\n```yaml\nb: 2\n```\n")
        #expect(blocks.map(\.text) == ["a: 1\n", "b: 2\n"])
        #expect(blocks.map(\.line) == [3, 9])
    }
}
