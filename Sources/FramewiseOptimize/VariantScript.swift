import Foundation

/// Runs `scripts/python/optimize_model.py` (ONNX Runtime's own tools in the project's `.venv`)
/// and reads the variant files it reports.
public struct VariantScript: Sendable {
    public var python: String
    public var script: String

    public init(python: String, script: String) {
        self.python = python
        self.script = script
    }

    /// The `.venv` Python and the script, looked for in `$FRAMEWISE_PYTHON`, then above the
    /// current directory and above the executable (the project's checkout).
    public static func locate(executable: String = CommandLine.arguments.first ?? "") throws -> VariantScript {
        let fm = FileManager.default
        var roots: [URL] = []
        for start in [URL(fileURLWithPath: fm.currentDirectoryPath), URL(fileURLWithPath: executable).deletingLastPathComponent()] {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                roots.append(dir)
                dir = dir.deletingLastPathComponent()
            }
        }
        guard let root = roots.first(where: { fm.fileExists(atPath: $0.appendingPathComponent("scripts/python/optimize_model.py").path) }) else {
            throw OptimizeError("scripts/python/optimize_model.py not found above \(fm.currentDirectoryPath) or the framewise executable; run from the project's checkout")
        }
        let env = ProcessInfo.processInfo.environment["FRAMEWISE_PYTHON"]
        let venv = root.appendingPathComponent(".venv/bin/python").path
        let python = env ?? (fm.isExecutableFile(atPath: venv) ? venv : "/usr/bin/python3")
        return VariantScript(python: python, script: root.appendingPathComponent("scripts/python/optimize_model.py").path)
    }

    /// What the script made: variant name to file, and what `clean` changed.
    public struct Made: Sendable {
        public var files: [String: String]
        public var clean: [String: Double]
        public var notes: [String]
    }

    /// Makes `variants` of `model` in `output` (calibration tensors in `calibration` for int8).
    public func make(model: String, output: String, variants: [String], calibration: String?) throws -> Made {
        var arguments = [script, model, output, "--variants", variants.joined(separator: ",")]
        if let calibration { arguments += ["--calibration", calibration] }
        let json = try run(arguments)
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let made = object["variants"] as? [String: [String: Any]] else {
            throw OptimizeError("optimize_model.py printed no variants for \(model)")
        }
        let clean = (object["clean"] as? [String: Any]) ?? [:]
        return Made(files: made.compactMapValues { $0["file"] as? String },
                    clean: clean.compactMapValues { ($0 as? NSNumber)?.doubleValue },
                    notes: [clean["opset_note"] as? String].compactMap { $0 })
    }

    /// What `clean` would change in `model` (initializers listed as inputs, unused initializers, opset).
    public func inspect(model: String) throws -> [String: Int] {
        let json = try run([script, "--inspect", model])
        guard let object = try JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw OptimizeError("optimize_model.py --inspect printed no report for \(model)")
        }
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    /// Runs the script; its standard output (to a file, so a full pipe cannot block it) is returned.
    func run(_ arguments: [String]) throws -> Data {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-optimize-\(UUID().uuidString).json")
        guard FileManager.default.createFile(atPath: out.path, contents: nil) else {
            throw OptimizeError("cannot create \(out.path) for the script's report")
        }
        defer { try? FileManager.default.removeItem(at: out) }
        let handle = try FileHandle(forWritingTo: out)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = FileHandle.standardError
        do { try process.run() } catch {
            throw OptimizeError("cannot start \(python): \(error) (set $FRAMEWISE_PYTHON or run scripts/setup.sh)")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OptimizeError("\(URL(fileURLWithPath: script).lastPathComponent) failed (exit \(process.terminationStatus)) on \(arguments.dropFirst().joined(separator: " "))")
        }
        return try Data(contentsOf: out)
    }
}
