import ArgumentParser
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import Foundation

/// `framewise profile PIPELINE`: per model, batch latency (mean, std, p99) and memory against
/// batch size, pre- and post-processing per item; saves one `ModelProfile` JSON per model. With
/// videos to decode, also the CPU cost of decoding them with the pipeline's sampling, saved as one
/// `DecodeProfile` JSON beside the pipeline.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Measure each model's latency and memory against batch size and save its profile for `plan`.",
        discussion: """
            Profiles are saved as <model>.onnx.profile-<device>.json beside each model (or in --profiles DIR), \
            keyed by the SHA-256 of the model file and the device name. Memory is approximate: the model file \
            size plus the growth of the process's peak resident set while the batch size runs. \
            With --decode-videos (default: --video), decoding those videos with the pipeline's sampling is timed \
            first (CPU seconds of the process, one video at a time, the engine's decoder threads per video) and \
            saved as <pipeline>.decode-profile-<device>.json beside the pipeline (or in --profiles DIR).
            """)

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Option(parsing: .upToNextOption, help: "Batch sizes (default: powers of two up to each model's batch limit, and the limit).")
    var batches: [Int] = []
    @Option(help: "Timed runs per batch size.") var iterations = 20
    @Option(help: "Time preprocessing on frames of this video (default: a synthetic 1280x720 frame).") var video: String?
    @Option(name: .customLong("decode-videos"), parsing: .upToNextOption,
            help: "Measure decode cost on these videos or folders (default: --video; none: decoding is not profiled).")
    var decodeVideos: [String] = []
    @Option(help: "Device name to save the profiles under (default: cpu-<cores>c-<cpu model>).") var device: String?
    @Option(help: "Save profiles in this folder instead of beside the models.") var profiles: String?
    @Flag(name: .customLong("no-save"), help: "Print the table only.") var noSave = false
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if batches.contains(where: { $0 < 1 }) { throw ValidationError("batch sizes must be at least 1") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1") }
        if let device, device.isEmpty { throw ValidationError("--device must not be empty") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        let deviceName = device ?? DeviceName.local()
        let frames = try ProfileFrames.load(video: video, sampling: loaded.spec.sampling)
        let source = video.map { "\(frames.count) frames of \($0)" } ?? "a synthetic 1280x720 frame"
        let profiler = StageProfiler(configuration: .init(batches: batches.isEmpty ? nil : batches, iterations: iterations))
        if let profiles { try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true) }
        print("device \(deviceName); preprocessing timed on \(source)")
        try profileDecoding(loaded.spec, device: deviceName)
        let threads = Set(loaded.stages.map { $0.model.resolvedSession.intraOpThreads }).sorted().map(String.init).joined(separator: "/")
        print("each model runs with \(threads) intra-op thread(s), as the engine runs it (a CPU worker); set `threads:` per model to change it")
        print("model          input                      batch   mean ms    std ms    p99 ms   ms/item   items/s   memory MB")
        var seen = Set<String>()
        for stage in loaded.stages where seen.insert(stage.model.name).inserted {
            let m = try profiler.profile(stage: stage, frames: frames, frameSource: source)
            for b in m.batches {
                print(m.modelName.padded(14) + " " + b.inputShapes.padded(26) + String(
                    format: " %5d %9.2f %9.2f %9.2f %9.2f %9.1f %11.1f", b.batchSize, b.latencyMean * 1000, b.latencyStd * 1000, b.latencyP99 * 1000,
                             b.latencyMean * 1000 / Double(b.batchSize), Double(b.batchSize) / b.latencyMean, Double(b.memoryBytes) / 1e6))
            }
            print(m.modelName.padded(14) + String(format: " per item: preprocess %.3f ms, postprocess %.3f ms",
                         m.preprocessSeconds * 1000, m.postprocessSeconds * 1000))
            guard !noSave else { continue }
            let path = DeviceName.profilePath(modelPath: m.modelPath, device: deviceName, directory: profiles)
            try ProfileFile.write(ModelProfile(m, device: deviceName), to: path)
            print("  saved \(path)")
        }
    }
}

extension ProfileCommand {
    /// Measures and saves the decode cost (before any model runs, so no other thread's CPU time counts).
    private func profileDecoding(_ spec: PipelineSpec, device: String) throws {
        let videos = VideoInputs.expand(decodeVideos.isEmpty ? (video.map { [$0] } ?? []) : decodeVideos)
        guard !videos.isEmpty else {
            if !decodeVideos.isEmpty { throw ValidationError("--decode-videos: no videos found in \(decodeVideos.joined(separator: ", "))") }
            print("decode: not profiled (give --decode-videos or --video to count decoding in CPU plans)")
            return
        }
        let threads = DecodeProfiler.engineThreads(spec: spec)
        let m = try DecodeProfiler.measure(videos: videos, sampling: spec.sampling, threads: threads)
        let profile = DecodeProfile(pipeline: spec.name, sampling: spec.sampling.description, deviceName: device, threadsPerDecoder: threads,
                                    videos: m.videos, videoSeconds: m.videoSeconds, sampledFrames: m.sampledFrames,
                                    decodedFrames: m.decodedFrames, cpuSeconds: m.cpuSeconds, wallSeconds: m.wallSeconds)
        print(String(format: "decode (%@, %d thread%@ per video): %d videos, %.1f s of video, %d decoded / %d sampled frames; "
                     + "CPU %.3f s (wall %.3f s): %.1f ms per video, %.2f ms per video-second, %.2f ms per sampled frame",
                     spec.sampling.description, threads, threads == 1 ? "" : "s", m.videos, m.videoSeconds, m.decodedFrames, m.sampledFrames,
                     m.cpuSeconds, m.wallSeconds, profile.secondsPerVideo * 1000, profile.secondsPerVideoSecond * 1000,
                     profile.secondsPerSampledFrame * 1000))
        guard !noSave else { return }
        let path = DecodeProfileFile.path(pipeline: pipeline, device: device, directory: profiles)
        try DecodeProfileFile.write(profile, to: path)
        print("  saved \(path)")
    }
}

/// Reading and writing decode profile JSON files (`<pipeline file>.decode-profile-<device>.json`).
enum DecodeProfileFile {
    /// The marker in decode profile file names; `plan` skips such files when reading model profiles.
    static let marker = ".decode-profile-"

    /// Beside the pipeline file, or under `directory` with the same file name.
    static func path(pipeline: String, device: String, directory: String?) -> String {
        let file = URL(fileURLWithPath: pipeline).lastPathComponent + marker + DeviceName.sanitized(device) + ".json"
        if let directory { return URL(fileURLWithPath: directory).appendingPathComponent(file).path }
        return pipeline + marker + DeviceName.sanitized(device) + ".json"
    }

    static func write(_ profile: DecodeProfile, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(profile).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The decode profile for `device` beside `pipeline` or in `directory` (the directory wins), if any.
    static func find(pipeline: String, device: String, directory: String?) throws -> (profile: DecodeProfile, path: String)? {
        for path in [directory.map { self.path(pipeline: pipeline, device: device, directory: $0) }, self.path(pipeline: pipeline, device: device, directory: nil)]
        .compactMap({ $0 }) where FileManager.default.fileExists(atPath: path) {
            do {
                return (try JSONDecoder().decode(DecodeProfile.self, from: Data(contentsOf: URL(fileURLWithPath: path))), path)
            } catch {
                throw ValidationError("decode profile \(path) cannot be read: \(error)")
            }
        }
        return nil
    }
}

extension ModelProfile {
    /// The planner's profile of a measurement on `device`.
    init(_ m: StageMeasurement, device: String) {
        self.init(modelName: m.modelName, modelHash: m.modelHash, deviceName: device,
                  entries: m.batches.map {
                      BatchProfile(batchSize: $0.batchSize, latencyMean: $0.latencyMean, latencyStd: $0.latencyStd,
                                   latencyP99: $0.latencyP99, memoryBytes: $0.memoryBytes)
                  },
                  preprocessSeconds: m.preprocessSeconds, postprocessSeconds: m.postprocessSeconds, intraOpThreads: m.intraOpThreads)
    }
}

/// Reading and writing profile JSON files: one `ModelProfile` per file, or a `ProfileCatalog`
/// array of them (for imported profiles of other hardware).
enum ProfileFile {
    static func write(_ profile: ModelProfile, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(profile).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The profiles in the file at `path` (a single profile or an array).
    static func read(_ path: String) throws -> [ModelProfile] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let decoder = JSONDecoder()
        if let one = try? decoder.decode(ModelProfile.self, from: data) { return [one] }
        return try decoder.decode(ProfileCatalog.self, from: data).profiles
    }
}

extension String {
    /// The string left-aligned in `width` columns.
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
