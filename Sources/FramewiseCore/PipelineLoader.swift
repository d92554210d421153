import Foundation
import Yams

/// Parses and validates a pipeline YAML file into a `PipelineSpec`.
///
/// Every problem is collected with its file, line and field, and thrown together as a
/// `PipelineError` before anything runs. Relative paths are resolved against the file's folder.
public enum PipelineLoader {
    /// Loads and validates the pipeline at `path`.
    public static func load(path: String) throws(PipelineError) -> PipelineSpec {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineError(file: path, issues: [PipelineIssue(
                location: FileLocation(file: path, line: 0, column: 0), field: "file",
                message: "cannot read pipeline file: \(error.localizedDescription)")])
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: base)
    }

    /// Parses and validates pipeline YAML text; `file` names it in errors.
    public static func parse(yaml: String, file: String, baseDirectory: String) throws(PipelineError) -> PipelineSpec {
        var reader = YAMLReader(file: file)
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw PipelineError(file: file, issues: [PipelineIssue(
                    location: FileLocation(file: file, line: 0, column: 0), field: "", message: "the file is empty")])
            }
            root = node
        } catch let error as PipelineError {
            throw error
        } catch {
            let (line, column, message) = describeYAMLError(error)
            throw PipelineError(file: file, issues: [PipelineIssue(
                location: FileLocation(file: file, line: line, column: column), field: "", message: "not valid YAML: \(message)")])
        }
        var parser = SpecParser(reader: reader, baseDirectory: base(baseDirectory))
        let spec = parser.parsePipeline(root, defaultName: URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent)
        reader = parser.reader
        var issues = reader.issues
        if issues.isEmpty {
            issues += PipelineValidator.validate(spec)
        }
        guard issues.isEmpty else { throw PipelineError(file: file, issues: issues) }
        return spec.resolvingVariants()
    }

    private static func base(_ dir: String) -> String { dir.isEmpty ? FileManager.default.currentDirectoryPath : dir }

    private static func describeYAMLError(_ error: any Error) -> (Int, Int, String) {
        if let yaml = error as? YamlError {
            switch yaml {
            case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
                return (mark.line, mark.column, problem)
            default:
                return (0, 0, "\(yaml)")
            }
        }
        return (0, 0, "\(error)")
    }
}

/// Resolves `path` against `base` unless it is absolute.
func resolvePath(_ path: String, base: String) -> String {
    if path.hasPrefix("/") { return path }
    return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
}
