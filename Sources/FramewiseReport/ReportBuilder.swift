import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseOptimize
import FramewisePlanner

/// Reads a report's inputs and makes its page: results, an optional trace and plan, and
/// thumbnails of each video's flagged frames re-decoded from the videos.
public enum ReportBuilder {
    /// The capacity plan at `path` (`framewise plan --json`).
    public static func readPlan(path: String) throws(ReportError) -> CapacityPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(input: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        do { return try JSONDecoder().decode(CapacityPlan.self, from: data) } catch {
            throw ReportError(input: path, reason: "not a capacity plan (framewise plan --json): \(error)")
        }
    }

    /// The tuning at `path` (`framewise tune --json`).
    public static func readTune(path: String) throws(ReportError) -> TuneReport {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError(input: path, reason: FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do { return try decoder.decode(TuneReport.self, from: data) } catch {
            throw ReportError(input: path, reason: "not a tuning (framewise tune --json): \(error)")
        }
    }

    /// Thumbnails of every video's flagged frames (at most `perVideo` each), by video index; a video
    /// that cannot be decoded again gets its error instead.
    public static func thumbnails(for videos: [ReportVideo], perVideo: Int = 4, maxWidth: Int = 320) -> [Int: Result<[Thumbnail], ReportError>] {
        var out: [Int: Result<[Thumbnail], ReportError>] = [:]
        for v in videos where v.ok {
            let flagged = FlaggedFrames.pick(v, limit: perVideo)
            guard !flagged.isEmpty else { continue }
            do { out[v.index] = .success(try Thumbnails.make(path: v.path, frames: flagged, maxWidth: maxWidth)) } catch {
                out[v.index] = .failure(ReportError(input: v.path, reason: error.description))
            }
        }
        return out
    }

    /// The page for `input`, with thumbnails made first unless `thumbnails` is false.
    public static func page(_ input: ReportInput, thumbnails: Bool = true) -> String {
        var input = input
        if thumbnails { input.thumbnails = self.thumbnails(for: input.videos) }
        return ReportPage.html(input)
    }
}
