import Foundation
import FramewiseONNX
import Testing

/// The library search order: configuration, ORT_DYLIB_PATH, then `.venv` upwards.
@Suite struct ONNXRuntimeLibraryLocatorTests {
    /// A temporary tree `<root>/project/.venv/lib/python3.11/site-packages/onnxruntime/capi/libonnxruntime.so.1.31.1`.
    func makeTree() throws -> (root: URL, library: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fw-locator-\(UUID().uuidString)")
        let capi = root.appendingPathComponent("project/.venv/lib/python3.11/site-packages/onnxruntime/capi")
        try FileManager.default.createDirectory(at: capi, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("project/a/b"), withIntermediateDirectories: true)
        let library = capi.appendingPathComponent("libonnxruntime.so.1.31.1").path
        #expect(FileManager.default.createFile(atPath: library, contents: Data([0])))
        return (root, library)
    }

    @Test func explicitPathWins() throws {
        let (root, library) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try ONNXRuntimeLibraryLocator.locate(
            configuration: ONNXRuntimeConfiguration(libraryPath: library),
            environment: ["ORT_DYLIB_PATH": "/elsewhere.so"], currentDirectory: "/", executablePath: nil)
        #expect(found == library)
    }

    @Test func environmentBeforeVirtualEnvironment() throws {
        let (root, library) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let found = try ONNXRuntimeLibraryLocator.locate(
            configuration: ONNXRuntimeConfiguration(), environment: ["ORT_DYLIB_PATH": library],
            currentDirectory: "/", executablePath: nil)
        #expect(found == library)
        #expect(throws: ONNXRuntimeError.libraryNotFound(searched: ["/missing.so (ORT_DYLIB_PATH)"])) {
            try ONNXRuntimeLibraryLocator.locate(
                configuration: ONNXRuntimeConfiguration(), environment: ["ORT_DYLIB_PATH": "/missing.so"],
                currentDirectory: root.appendingPathComponent("project").path, executablePath: nil)
        }
    }

    @Test func virtualEnvironmentAboveCurrentDirectoryOrExecutable() throws {
        let (root, library) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let deep = root.appendingPathComponent("project/a/b").path
        let fromCwd = try ONNXRuntimeLibraryLocator.locate(
            configuration: ONNXRuntimeConfiguration(), environment: [:], currentDirectory: deep, executablePath: nil)
        #expect(fromCwd == library)
        let fromExecutable = try ONNXRuntimeLibraryLocator.locate(
            configuration: ONNXRuntimeConfiguration(), environment: [:], currentDirectory: "/",
            executablePath: deep + "/framewise")
        #expect(fromExecutable == library)
    }

    @Test func notFoundListsWhatWasSearched() throws {
        let (root, _) = try makeTree()
        defer { try? FileManager.default.removeItem(at: root) }
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let error = #expect(throws: ONNXRuntimeError.self) {
            try ONNXRuntimeLibraryLocator.locate(
                configuration: ONNXRuntimeConfiguration(), environment: [:], currentDirectory: elsewhere.path, executablePath: nil)
        }
        guard case let .libraryNotFound(searched)? = error else {
            Issue.record("expected libraryNotFound, got \(String(describing: error))")
            return
        }
        #expect(searched.first == "ORT_DYLIB_PATH (not set)")
        #expect(searched.contains { $0.hasPrefix(elsewhere.path + "/.venv/lib/python3*") })
        #expect(searched.contains("/.venv/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so*"))
    }
}
