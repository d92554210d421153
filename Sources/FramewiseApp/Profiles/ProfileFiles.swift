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
