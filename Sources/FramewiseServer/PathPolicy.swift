import Foundation
import FramewiseRuntime

/// Which video paths clients may submit: only files under the allowed roots, after `..` and
/// symbolic links are resolved (so neither can lead outside a root).
public struct PathPolicy: Sendable {
    /// The roots, resolved.
    public let roots: [String]

    public init(roots: [String]) {
        self.roots = roots.map { Self.resolve($0) }
    }

    /// A path made absolute (from the working directory), standardized, symbolic links resolved.
    static func resolve(_ path: String) -> String {
        let url = URL(fileURLWithPath: path, isDirectory: false)
        return url.standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Whether `resolved` (already resolved) lies under a root. Compared byte for byte: Swift's
    /// `==` and `hasPrefix` treat canonically equivalent strings as equal ("é" and "e" + U+0301),
    /// which on Linux are different files.
    func allows(_ resolved: String) -> Bool {
        roots.contains { root in
            let folder = root.hasSuffix("/") ? root : root + "/"
            return resolved.utf8.elementsEqual(root.utf8) || resolved.utf8.starts(with: folder.utf8)
        }
    }

    /// Outcome of checking one submitted path.
    public enum Decision: Sendable, Equatable {
        /// Allowed; the videos it names (a folder expands to its video files).
        case allowed([String])
        /// Outside every root.
        case outside
        /// Inside a root but nothing there.
        case missing
    }

    /// Checks one submitted path.
    public func check(_ path: String) -> Decision {
        let resolved = Self.resolve(path)
        guard allows(resolved) else { return .outside }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else { return .missing }
        guard isDirectory.boolValue else { return .allowed([resolved]) }
        // Files inside a folder are resolved again: a link inside a root may point outside it.
        let files = VideoInputs.expand([resolved]).map { Self.resolve($0) }.filter { allows($0) }
        return .allowed(files)
    }
}
