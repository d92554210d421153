import Foundation

extension FrameFile {
    /// Writes `bytes` to a temporary file next to `path`, then renames it over `path`, so a reader sees
    /// the old file, no file, or the whole new one. Creates missing parent folders (only when the first
    /// open says they are missing). No fsync: the rename guards readers against partial files, not
    /// against a machine crash.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(MediaError) {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = "\(folder)/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
        var fd = open(temporary, flags, 0o644)
        if fd < 0 && errno == ENOENT {
            guard makeFolders(folder) else { throw writeError(path, "cannot create folder \(folder)") }
            fd = open(temporary, flags, 0o644)
        }
        guard fd >= 0 else { throw writeError(path, "cannot create temporary file \(temporary)") }
        var written = 0
        let failure: String? = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return nil }
            while written < buffer.count {
                let n = Foundation.write(fd, base + written, buffer.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return "writing \(temporary) after \(written) of \(buffer.count) bytes: \(errnoText())"
                }
                written += n
            }
            return nil
        }
        let closed = close(fd) == 0
        if let failure {
            unlink(temporary)
            throw MediaError(.writeFailed, path: path, message: failure)
        }
        guard closed else {
            let error = writeError(path, "closing \(temporary)")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let error = writeError(path, "renaming \(temporary) to it")
            unlink(temporary)
            throw error
        }
    }

    /// The whole file. A missing file is `.fileNotFound`; other failures are `.readFailed`.
    static func readAll(_ path: String) throws(MediaError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let kind: MediaError.Kind = errno == ENOENT ? .fileNotFound : .readFailed
            throw MediaError(kind, path: path, message: "cannot open frame file: \(errnoText())")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw MediaError(.readFailed, path: path, message: "stat: \(errnoText())") }
        let size = Int(info.st_size)
        var failure: String?
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            guard let base = buffer.baseAddress else { return }
            while count < size {
                let n = Foundation.read(fd, base + count, size - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failure = "reading after \(count) of \(size) bytes: \(errnoText())" }
                if n <= 0 { break }
                count += n
            }
        }
        if let failure { throw MediaError(.readFailed, path: path, message: failure) }
        return bytes
    }

    /// `mkdir -p`: creates `folder` and any missing parents; on failure `errno` says why.
    private static func makeFolders(_ folder: String) -> Bool {
        if mkdir(folder, 0o755) == 0 || errno == EEXIST { return true }
        guard errno == ENOENT else { return false }
        let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
        guard parent != folder, makeFolders(parent) else { return false }
        return mkdir(folder, 0o755) == 0 || errno == EEXIST
    }

    private static func writeError(_ path: String, _ what: String) -> MediaError {
        MediaError(.writeFailed, path: path, message: "\(what): \(errnoText())")
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
