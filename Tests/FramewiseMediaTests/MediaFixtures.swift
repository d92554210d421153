import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseTesting

/// The media fixtures written by scripts/fixtures/make_media_fixtures.sh and ffprobe's reading of them.
enum MediaFixtures {
    struct Video: Decodable {
        let codec: String
        let width: Int
        let height: Int
        let avg_fps: Double
        let start_time: Double
        let duration: Double
        let pts_time: [Double]
        let key_frame: [Int]

        /// ffprobe's presentation times, measured from the stream start.
        var times: [Double] { pts_time.map { $0 - start_time } }
        var keyIndices: [Int] { key_frame.indices.filter { key_frame[$0] == 1 } }
    }

    private struct Manifest: Decodable { let videos: [String: Video] }

    /// `.fixtures/media/<name>`, failing the test (not skipping) if it is missing.
    static func path(_ name: String) throws -> String {
        try Fixtures.require(Fixtures.path("media/\(name)"))
    }

    static func video(_ name: String) throws -> Video {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("manifest.json")))
        let manifest = try JSONDecoder().decode(Manifest.self, from: data)
        guard let video = manifest.videos[name] else { throw FixtureProblem(message: "manifest.json has no entry \(name): rerun make_media_fixtures.sh") }
        return video
    }

    /// A float32 reference image (row-major H x W x 3 RGB, 0...255).
    static func reference(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// Decodes every sampled frame.
    static func decodeAll(_ path: String, _ policy: SamplingPolicy, threads: Int = 0) throws -> (frames: [VideoFrame], decoder: VideoDecoder) {
        try decodeAll(path, policy, options: DecoderOptions(threads: threads))
    }

    /// Decodes every sampled frame with `options`.
    static func decodeAll(_ path: String, _ policy: SamplingPolicy, options: DecoderOptions) throws -> (frames: [VideoFrame], decoder: VideoDecoder) {
        let decoder = try VideoDecoder(path: path, sampling: policy, options: options)
        var frames: [VideoFrame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        return (frames, decoder)
    }

    /// The frame with the given source index (decoded with `.everyFrame`).
    static func frame(_ name: String, at sourceIndex: Int) throws -> VideoFrame {
        let decoder = try VideoDecoder(path: path(name), sampling: .everyFrame)
        while let frame = try decoder.next() {
            if frame.sourceIndex == sourceIndex { return frame }
        }
        throw FixtureProblem(message: "\(name) has no frame \(sourceIndex)")
    }
}

/// A fixture exists but does not hold what a test needs.
struct FixtureProblem: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
