import Foundation

/// Finds the ONNX Runtime shared library: explicit configuration, then `ORT_DYLIB_PATH`, then a
/// project `.venv` above the current directory or above the executable.
public enum ONNXRuntimeLibraryLocator {
    /// The environment variable that names the library when the configuration does not.
    public static let environmentVariable = "ORT_DYLIB_PATH"

    /// Returns the library path, or throws ``ONNXRuntimeError/libraryNotFound(searched:)`` listing
    /// every place looked at. An explicit path (configuration or environment) is used as given:
    /// when it does not exist the error says so instead of silently searching elsewhere.
    public static func locate(
        configuration: ONNXRuntimeConfiguration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = currentExecutablePath()
    ) throws(ONNXRuntimeError) -> String {
        let fm = FileManager.default
        if let explicit = configuration.libraryPath {
            guard fm.fileExists(atPath: explicit) else {
                throw .libraryNotFound(searched: ["\(explicit) (ONNXRuntimeConfiguration.libraryPath)"])
            }
            return explicit
        }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            guard fm.fileExists(atPath: fromEnvironment) else {
                throw .libraryNotFound(searched: ["\(fromEnvironment) (\(environmentVariable))"])
            }
            return fromEnvironment
        }
        var searched = ["\(environmentVariable) (not set)"]
        var starts = [currentDirectory]
        if let executablePath {
            starts.append(URL(fileURLWithPath: executablePath).deletingLastPathComponent().path)
        }
        var visited = Set<String>()
        for start in starts {
            for directory in ancestors(of: start) where visited.insert(directory).inserted {
                let venvLib = URL(fileURLWithPath: directory).appendingPathComponent(".venv/lib")
                searched.append(venvLib.path + "/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*")
                if let found = libraryInVirtualEnvironment(lib: venvLib) { return found }
            }
        }
        throw .libraryNotFound(searched: searched)
    }

    /// The running executable (`/proc/self/exe` on Linux), if it can be determined.
    public static func currentExecutablePath() -> String? {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return resolved
        }
        return Bundle.main.executablePath
    }

    /// `directory` and each of its parents up to `/`.
    static func ancestors(of directory: String) -> [String] {
        var result: [String] = []
        var url = URL(fileURLWithPath: directory).standardizedFileURL
        while true {
            result.append(url.path)
            let parent = url.deletingLastPathComponent().standardizedFileURL
            if parent.path == url.path || url.path == "/" { break }
            url = parent
        }
        return result
    }

    /// `lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*` under a venv's `lib`.
    static func libraryInVirtualEnvironment(lib: URL) -> String? {
        let fm = FileManager.default
        guard let pythons = try? fm.contentsOfDirectory(atPath: lib.path) else { return nil }
        for python in pythons.sorted() where python.hasPrefix("python3") {
            let capi = lib.appendingPathComponent(python).appendingPathComponent("site-packages/onnxruntime/capi")
            guard let files = try? fm.contentsOfDirectory(atPath: capi.path) else { continue }
            if let library = files.sorted().first(where: { $0.hasPrefix("libonnxruntime.so") }) {
                return capi.appendingPathComponent(library).path
            }
        }
        return nil
    }
}
