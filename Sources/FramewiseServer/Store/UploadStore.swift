import Foundation

/// Uploaded videos on disk: `<root>/<job id>/<n>-<name>`, one folder per job, removed with the
/// job (cancel, retention) or when the job could not be stored.
struct UploadStore: Sendable {
    /// `<data directory>/uploads`.
    let root: String

    /// The folder of job `job`'s uploads.
    func folder(job: String) -> String { root + "/" + job }

    /// Creates the folder of job `job`'s uploads.
    func create(job: String) throws {
        try FileManager.default.createDirectory(atPath: folder(job: job), withIntermediateDirectories: true)
    }

    /// Removes job `job`'s uploads, if any.
    func remove(job: String) {
        // Job ids are generated (`job_` and hex); anything else never names a folder here.
        guard job.hasPrefix("job_"), job.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 122) }) else {
            return
        }
        try? FileManager.default.removeItem(atPath: folder(job: job))
    }

    /// Job ids that have an upload folder.
    func jobs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).filter { $0.hasPrefix("job_") }
    }

    /// A file name safe to keep: the client's name without folders or odd characters, at most 100 bytes.
    static func safeName(_ name: String?, index: Int) -> String {
        let base = (name ?? "").split(separator: "/").last.map(String.init) ?? ""
        let kept = String(base.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) })
        let trimmed = String(kept.drop(while: { $0 == "." }).prefix(100))
        return String(format: "%03d-", index) + (trimmed.isEmpty ? "video" : trimmed)
    }

    /// Removes upload folders whose job is gone, was never stored (a crash between upload and
    /// store) or was cancelled. Run before the server listens (an upload in progress has no job yet).
    func removeOrphans(in repository: any JobRepository) async {
        for job in jobs() {
            do {
                if try await repository.job(job, owner: nil).state == .cancelled { remove(job: job) }
            } catch .notFound {
                remove(job: job)
            } catch {
                return
            }
        }
    }
}
