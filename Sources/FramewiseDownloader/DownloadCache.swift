import Foundation
import FramewiseCore

/// A content-addressed cache on disk: `objects/<sha256 of the bytes>` holds each video once,
/// `urls/<sha256 of the URL>` names the object a URL gave. Entries appear only complete (written
/// to a temporary file, then renamed); a hit refreshes the object's modification time, and
/// eviction removes the least recently used objects beyond the capacity.
struct DownloadCache: Sendable {
    let root: String
    let capacity: Int64

    var objects: String { root + "/objects" }
    var urls: String { root + "/urls" }
    var partial: String { root + "/partial" }

    func prepare() throws(DownloadError) {
        for dir in [objects, urls, partial] {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) } catch {
                throw .cache(path: dir, message: error.localizedDescription)
            }
        }
    }

    static func key(_ text: String) -> String { SHA256.hex(of: Array(text.utf8)) }

    /// The cached file for `url`, if complete; touched as used now.
    func lookup(_ url: String) -> String? {
        let index = urls + "/" + Self.key(url)
        guard let hash = try? String(contentsOfFile: index, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
              !hash.isEmpty else { return nil }
        let path = objects + "/" + hash
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
        return path
    }

    /// A new temporary file for a download in progress.
    func temporaryFile() -> String { partial + "/" + UUID().uuidString }

    /// Moves a complete download into the cache under its content hash and indexes `url` to it.
    func commit(temporary: String, url: String) throws(DownloadError) -> String {
        let hash: String
        do { hash = try SHA256.hex(ofFile: temporary) } catch { throw .cache(path: temporary, message: "\(error)") }
        let path = objects + "/" + hash
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: path) {
                try fm.removeItem(atPath: temporary)
                try? fm.setAttributes([.modificationDate: Date()], ofItemAtPath: path)
            } else {
                try fm.moveItem(atPath: temporary, toPath: path)
            }
            let index = urls + "/" + Self.key(url)
            try Data(hash.utf8).write(to: URL(fileURLWithPath: index), options: .atomic)
        } catch {
            throw .cache(path: path, message: error.localizedDescription)
        }
        evict(keeping: path)
        return path
    }

    /// Removes least recently used objects until the cache fits its capacity (never `keeping`).
    func evict(keeping: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: objects) else { return }
        var entries: [(path: String, size: Int64, used: Date)] = names.compactMap { name in
            let path = objects + "/" + name
            guard let attributes = try? fm.attributesOfItem(atPath: path) else { return nil }
            return (path, (attributes[.size] as? NSNumber)?.int64Value ?? 0, attributes[.modificationDate] as? Date ?? .distantPast)
        }
        var total = entries.reduce(0) { $0 + $1.size }
        guard total > capacity else { return }
        entries.sort { $0.used < $1.used }
        for e in entries where total > capacity && e.path != keeping {
            try? fm.removeItem(atPath: e.path)
            total -= e.size
        }
    }

    /// Bytes the cache holds now.
    var size: Int64 {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: objects)) ?? []).reduce(0) { sum, name in
            sum + (((try? fm.attributesOfItem(atPath: objects + "/" + name))?[.size] as? NSNumber)?.int64Value ?? 0)
        }
    }
}
