import Foundation
import FramewiseCore

/// Registers variants in a pipeline file: `models.M.variants.V: FILE` per variant made, each with
/// its accuracy as a comment, so a stage can run one with `variant: V`. Only those lines change.
public enum VariantRegistration {
    /// `yaml` with each report's variants registered; paths relative to `pipelineDirectory`.
    public static func register(_ reports: [ModelReport], in yaml: String, pipelineDirectory: String) throws -> String {
        var editor = YAMLTextEditor(text: yaml)
        for report in reports {
            for variant in report.variants {
                try editor.set(["models", report.model, "variants", variant.variant],
                               to: relativePath(variant.file, from: pipelineDirectory), comment: summary(variant))
            }
        }
        return editor.text
    }

    /// Registers `reports` in the pipeline file at `path` (written atomically).
    public static func register(_ reports: [ModelReport], pipeline path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let updated = try register(reports, in: text, pipelineDirectory: directory)
        guard updated != text else { return }
        try updated.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// One line on how the variant compares with the original.
    static func summary(_ v: VariantReport) -> String? {
        guard let a = v.accuracy else { return nil }
        var parts = ["\(a.frames) held-out frames"]
        if let d = a.maxAbsScoreDelta { parts.append(String(format: "max |Δscore| %.4f", d)) }
        if let g = a.decisionAgreement { parts.append(String(format: "decisions %.3f", g)) }
        if let f = a.detectionF1 { parts.append(String(format: "F1 %.3f", f)) }
        if let c = a.countAgreement { parts.append(String(format: "counts %.3f", c)) }
        if let m = v.msPerBatch { parts.append(String(format: "%.1f ms/batch", m)) }
        return parts.joined(separator: ", ")
    }

    /// `file` relative to `directory` (with `..` steps), or absolute when they share only the root.
    public static func relativePath(_ file: String, from directory: String) -> String {
        let a = URL(fileURLWithPath: file).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: directory).standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count), a[common] == b[common] { common += 1 }
        guard common > 1 else { return URL(fileURLWithPath: file).standardizedFileURL.path }
        return (Array(repeating: "..", count: b.count - common) + a[common...]).joined(separator: "/")
    }
}
