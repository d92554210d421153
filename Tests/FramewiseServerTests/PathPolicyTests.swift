import Foundation
import FramewiseServer
import Testing

/// Allowed roots: `..` and symbolic links are resolved before the check.
@Suite struct PathPolicyTests {
    static func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }

    @Test func onlyFilesUnderARootAreAllowed() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-paths-\(UUID().uuidString)")
        let root = dir.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: root.appendingPathComponent("a.mp4"))
        try Data().write(to: root.appendingPathComponent("sub/b.mkv"))
        try Data().write(to: root.appendingPathComponent("sub/notes.txt"))
        try Data().write(to: dir.appendingPathComponent("secret.mp4"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("link.mp4").path, withDestinationPath: dir.appendingPathComponent("secret.mp4").path)
        let policy = PathPolicy(roots: [root.path])
        let r = Self.resolved(root.path)
        #expect(policy.check(root.appendingPathComponent("a.mp4").path) == .allowed([r + "/a.mp4"]))
        #expect(policy.check(root.appendingPathComponent("sub").path) == .allowed([r + "/sub/b.mkv"]), "a folder: its videos")
        #expect(policy.check(root.appendingPathComponent("missing.mp4").path) == .missing)
        #expect(policy.check(dir.appendingPathComponent("secret.mp4").path) == .outside)
        #expect(policy.check(root.path + "/../secret.mp4") == .outside)
        #expect(policy.check(root.appendingPathComponent("link.mp4").path) == .outside, "a link out of the root")
        #expect(policy.check(root.path + "x/a.mp4") == .outside, "a sibling whose name starts like the root")
        #expect(policy.check(root.path).allowedCount == 2, "the root itself, recursively, without the link's target")
    }

    /// "café" spelled with U+00E9 and with "e" + U+0301 are equal Swift strings but different folders on Linux.
    @Test func rootsAreComparedByBytesNotByCanonicalEquivalence() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fw-paths-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let composed = dir.appendingPathComponent("caf\u{E9}"), decomposed = dir.appendingPathComponent("cafe\u{301}")
        try FileManager.default.createDirectory(at: composed, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: decomposed, withIntermediateDirectories: true)
        try Data().write(to: decomposed.appendingPathComponent("other.mp4"))
        #expect(composed.path == decomposed.path, "Swift calls them equal")
        let policy = PathPolicy(roots: [composed.path])
        #expect(policy.check(decomposed.appendingPathComponent("other.mp4").path) == .outside)
    }

    @Test func listenAddressesParseAndKnowLoopback() throws {
        #expect(try ListenAddress(parsing: "127.0.0.1:8080") == ListenAddress(host: "127.0.0.1", port: 8080))
        #expect(try ListenAddress(parsing: "[::1]:0").isLoopback)
        #expect(try ListenAddress(parsing: "localhost:80").isLoopback)
        #expect(try ListenAddress(parsing: "0.0.0.0:8080").isLoopback == false)
        #expect(try ListenAddress(parsing: "192.168.1.5:8080").isLoopback == false)
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "8080") }
        #expect(throws: ServerError.self) { try ListenAddress(parsing: "host:99999") }
    }
}

extension PathPolicy.Decision {
    var allowedCount: Int? { if case let .allowed(files) = self { files.count } else { nil } }
}
