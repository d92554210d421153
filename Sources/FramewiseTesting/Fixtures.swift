import Foundation

/// Locates the project's generated test fixtures and fetched assets.
///
/// `make fixtures` writes `.fixtures/`, `make assets` writes `assets/`, `scripts/setup.sh` makes `.venv/`.
/// Tests fail (not skip) with a hint when something is missing, so a broken setup is never green.
public enum Fixtures {
    /// The repository root (three levels above this file).
    public static let projectRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `.fixtures/<relative>` under the repository root.
    public static func path(_ relative: String) -> String {
        projectRoot.appendingPathComponent(".fixtures").appendingPathComponent(relative).path
    }

    /// `assets/<relative>` under the repository root (real models and videos).
    public static func asset(_ relative: String) -> String {
        projectRoot.appendingPathComponent("assets").appendingPathComponent(relative).path
    }

    /// The project virtual environment's Python.
    /// The `framewise` binary built next to the running test bundle, else the default debug build's.
    public static var framewiseBinary: String {
        let here = Bundle.main.executableURL?.deletingLastPathComponent()
        let fallback = projectRoot.appendingPathComponent(".build/debug/framewise").path
        let candidates: [String?] = [here?.appendingPathComponent("framewise").path,
                                     here?.deletingLastPathComponent().appendingPathComponent("framewise").path, fallback]
        return candidates.compactMap { $0 }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? fallback
    }

    public static var python: String { projectRoot.appendingPathComponent(".venv/bin/python").path }

    /// The ONNX Runtime shared library inside the project's virtual environment, if present.
    public static var onnxRuntimeLibrary: String? {
        let lib = projectRoot.appendingPathComponent(".venv/lib")
        let fm = FileManager.default
        guard let pythons = try? fm.contentsOfDirectory(atPath: lib.path) else { return nil }
        for py in pythons.sorted() where py.hasPrefix("python") {
            let capi = lib.appendingPathComponent(py).appendingPathComponent("site-packages/onnxruntime/capi")
            if let files = try? fm.contentsOfDirectory(atPath: capi.path),
               let so = files.sorted().first(where: { $0.hasPrefix("libonnxruntime.so") }) {
                return capi.appendingPathComponent(so).path
            }
        }
        return nil
    }

    /// Returns `path` if it exists, else throws an error that says how to make it.
    public static func require(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw MissingFixture(path: path) }
        return path
    }
}

/// A fixture or asset that `make fixtures` / `make assets` should have produced is missing.
public struct MissingFixture: Error, CustomStringConvertible {
    public let path: String
    public var description: String { "missing test fixture \(path): run `make fixtures assets` (or `make test`)" }
}
