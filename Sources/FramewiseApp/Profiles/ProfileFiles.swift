import Foundation
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime

/// Reading and writing model profile JSON files: one `ModelProfile` per file, or a
/// `ProfileCatalog` array of them (for imported profiles of other hardware).
public enum ProfileFile {
    public static func write(_ profile: ModelProfile, to path: String) throws(AppError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(profile).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .file(path: path, message: "cannot write the profile: \(error.localizedDescription)")
        }
    }

    /// What saving a profile over an existing file did.
    public struct Saved: Sendable, Equatable {
        /// Batch sizes kept from the profile already in the file (not measured this time).
        public var keptBatches: [Int] = []
        /// Why the profile already in the file was replaced rather than merged (nil: there was
        /// none, or it was merged).
        public var replaced: String?
        public init(keptBatches: [Int] = [], replaced: String? = nil) {
            self.keptBatches = keptBatches
            self.replaced = replaced
        }
    }

    /// `newer` merged into `older` when both are the same model (hash), device and threads: every
    /// batch size of either, the newer measurement where both measured one; per-item times from
    /// the newer. Nil when they differ (then `newer` replaces `older`), with the difference.
    public static func merged(_ newer: ModelProfile, into older: ModelProfile) -> (profile: ModelProfile?, difference: String?) {
        if older.modelHash != newer.modelHash { return (nil, "it was measured on another version of the model file") }
        if older.deviceName != newer.deviceName { return (nil, "it was measured on device \(older.deviceName)") }
        if older.intraOpThreads != newer.intraOpThreads {
            return (nil, "it was measured with \(older.intraOpThreads.map(String.init) ?? "unrecorded") intra-op thread(s)")
        }
        let measured = Set(newer.entries.map(\.batchSize))
        var profile = newer
        profile.entries = (newer.entries + older.entries.filter { !measured.contains($0.batchSize) }).sorted { $0.batchSize < $1.batchSize }
        return (profile, nil)
    }

    /// Saves `profile` to `path`, merged with the profile already there (see `merged`); says what
    /// was kept or why the saved one was replaced. A file that cannot be read as one profile is replaced.
    public static func save(_ profile: ModelProfile, to path: String) throws(AppError) -> Saved {
        var saved = Saved()
        var merged = profile
        if FileManager.default.fileExists(atPath: path) {
            if let data = FileManager.default.contents(atPath: path), let older = try? JSONDecoder().decode(ModelProfile.self, from: data) {
                let result = Self.merged(profile, into: older)
                if let both = result.profile {
                    merged = both
                    let measured = Set(profile.entries.map(\.batchSize))
                    saved.keptBatches = older.entries.map(\.batchSize).filter { !measured.contains($0) }.sorted()
                } else {
                    saved.replaced = result.difference
                }
            } else {
                saved.replaced = "it could not be read as a profile"
            }
        }
        try write(merged, to: path)
        return saved
    }

    /// The profiles in the file at `path` (a single profile or an array).
    public static func read(_ path: String) throws -> [ModelProfile] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        if let one = try? decoder.decode(ModelProfile.self, from: data) { return [one] }
        return try decoder.decode(ProfileCatalog.self, from: data).profiles
    }
}

/// Reading and writing decode profile JSON files (`<pipeline file>.decode-profile-<device>.json`).
public enum DecodeProfileFile {
    /// The marker in decode profile file names; planning skips such files when reading model profiles.
    public static let marker = ".decode-profile-"

    /// Beside the pipeline file, or under `directory` with the same file name.
    public static func path(pipeline: String, device: String, directory: String?) -> String {
        let file = URL(fileURLWithPath: pipeline).lastPathComponent + marker + DeviceName.sanitized(device) + ".json"
        if let directory { return URL(fileURLWithPath: directory).appendingPathComponent(file).path }
        return pipeline + marker + DeviceName.sanitized(device) + ".json"
    }

    public static func write(_ profile: DecodeProfile, to path: String) throws(AppError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do { try encoder.encode(profile).write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw .file(path: path, message: "cannot write the decode profile: \(error.localizedDescription)")
        }
    }

    /// The decode profile for `device` beside `pipeline` or in `directory` (the directory wins), if any.
    public static func find(pipeline: String, device: String, directory: String?) throws(AppError) -> (profile: DecodeProfile, path: String)? {
        for path in [directory.map { self.path(pipeline: pipeline, device: device, directory: $0) }, self.path(pipeline: pipeline, device: device, directory: nil)]
        .compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            do {
                return (try JSONDecoder().decode(DecodeProfile.self, from: Data(contentsOf: URL(fileURLWithPath: path))), path)
            } catch {
                throw .file(path: path, message: "the decode profile cannot be read: \(error)")
            }
        }
        return nil
    }
}
