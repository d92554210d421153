import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Results could not be written: where to (a file, or standard output) and why (the system's reason,
/// e.g. "No space left on device", "Broken pipe", or a folder that does not exist).
public struct ResultWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, or "standard output".
    public let destination: String
    /// Why, in words.
    public let reason: String

    public init(destination: String, reason: String) {
        self.destination = destination
        self.reason = reason
    }

    public var description: String { "cannot write \(destination): \(reason)" }
}

/// Files written with every write checked: `write(2)` until every byte is out, `close(2)` checked,
/// each failure a `ResultWriteError` with the system's reason (unlike Foundation's atomic writes,
/// which report success on `/dev/full`).
public enum CheckedWrite {
    /// Opens `path` for writing, created or emptied; a folder that does not exist is named as such.
    public static func open(_ path: String) throws(ResultWriteError) -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            throw ResultWriteError(destination: path, reason: "the folder \(folder) does not exist")
        }
        if !folder.isEmpty, !isFolder.boolValue {
            throw ResultWriteError(destination: path, reason: "\(folder) is not a folder")
        }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultWriteError(destination: path, reason: reason(errno)) }
        return fd
    }

    /// Writes every byte to `descriptor`, retrying short writes and interruptions.
    public static func all(_ bytes: [UInt8], to descriptor: Int32, destination: String) throws(ResultWriteError) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return Glibc.write(descriptor, base + offset, buffer.count - offset)
            }
            if n < 0, errno == EINTR { continue }
            if n < 0 { throw ResultWriteError(destination: destination, reason: reason(errno)) }
            if n == 0 { throw ResultWriteError(destination: destination, reason: "nothing could be written") }
            offset += n
        }
    }

    /// Closes `descriptor`; close(2) reports errors of delayed writes (e.g. on network file systems).
    public static func close(_ descriptor: Int32, destination: String) throws(ResultWriteError) {
        guard Glibc.close(descriptor) == 0 else { throw ResultWriteError(destination: destination, reason: reason(errno)) }
    }

    /// Replaces the file at `path` with `text`.
    public static func replace(_ path: String, with text: String) throws(ResultWriteError) {
        let fd = try open(path)
        do { try all(Array(text.utf8), to: fd, destination: path) } catch {
            _ = Glibc.close(fd)
            throw error
        }
        try close(fd, destination: path)
    }

    /// The system's words for an errno value.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}
