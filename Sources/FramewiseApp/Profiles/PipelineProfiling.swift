import Foundation
import FramewiseCore
import FramewiseMedia
import FramewiseRuntime

/// Profiling a pipeline the way the engine runs it: the decode cost of its sampling on given
/// videos (first, so no other thread's CPU time counts), then each model's latency and memory
/// against batch size with the intra-op threads a worker runs it with; each saved as JSON.
public struct PipelineProfiling: Sendable {
    /// Knobs of one profiling run.
    public struct Request: Sendable {
        public var pipelinePath: String
        public var batches: [Int]?
        public var iterations: Int
        /// Time preprocessing on frames of this video (nil: a synthetic 1280x720 frame).
        public var video: String?
        /// Videos to measure decoding on (empty: `video`, else decoding is not profiled).
        public var decodeVideos: [String]
        public var device: String
        /// Save profiles in this folder instead of beside the models and the pipeline.
        public var directory: String?
        public var save: Bool

        public init(pipelinePath: String, batches: [Int]? = nil, iterations: Int = 20, video: String? = nil, decodeVideos: [String] = [],
                    device: String? = nil, directory: String? = nil, save: Bool = true) {
            self.pipelinePath = pipelinePath
            self.batches = batches
            self.iterations = iterations
            self.video = video
            self.decodeVideos = decodeVideos
            self.device = device ?? DeviceName.local()
            self.directory = directory
            self.save = save
        }
    }

    /// One model measured, where its profile was saved (nil: not saved), and what saving did to
    /// a profile already in that file (merged: batch sizes kept; or replaced, and why).
    public struct Model: Sendable {
        public var measurement: StageMeasurement
        public var savedAt: String?
        public var saved = ProfileFile.Saved()
    }

    public let request: Request
    public init(_ request: Request) { self.request = request }

    /// What preprocessing is timed on, for the report.
    public var frameSource: String { request.video ?? "a synthetic 1280x720 frame" }

    /// Creates the folder profiles are saved in, when one was given.
    private func prepareDirectory() throws(AppError) {
        guard request.save, let directory = request.directory else { return }
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .file(path: directory, message: "cannot create the profiles folder: \(error.localizedDescription)")
        }
    }

    /// Measures and saves the decode cost (nil when no videos were given).
    public func profileDecoding(_ loaded: LoadedPipeline) throws(AppError) -> (profile: DecodeProfile, savedAt: String?)? {
        let spec = loaded.spec
        let videos = VideoInputs.expand(request.decodeVideos.isEmpty ? (request.video.map { [$0] } ?? []) : request.decodeVideos)
        guard !videos.isEmpty else {
            if !request.decodeVideos.isEmpty {
                throw .invalidArgument(name: "--decode-videos", message: "no videos found in \(request.decodeVideos.joined(separator: ", "))")
            }
            return nil
        }
        let threads = DecodeProfiler.engineThreads(spec: spec)
        var profile: DecodeProfile
        do {
            profile = try DecodeProfiler.measure(videos: videos, pipeline: spec.name, sampling: spec.sampling, threads: threads, device: request.device)
        } catch {
            throw .file(path: error.video, message: error.message)
        }
        // Crop stages' fan-out on the same videos (after decoding was timed, so it does not count there).
        do {
            profile.fanout = try StageInputSampler.fanout(in: loaded, frames: ProfileFrames.spread(videos: videos, sampling: spec.sampling,
                                                                                                limit: Self.fanoutFrames))
        } catch {
            throw .modelRuntime("measuring crops per item on \(videos.joined(separator: ", ")): \(error)")
        }
        guard request.save else { return (profile, nil) }
        try prepareDirectory()
        let path = DecodeProfileFile.path(pipeline: request.pipelinePath, device: request.device, directory: request.directory)
        try DecodeProfileFile.write(profile, to: path)
        return (profile, path)
    }

    /// Measures each model once (through the first stage that runs it), saving each profile;
    /// `each` is called after every model, so a front end can print as it goes.
    public func profileModels(_ loaded: LoadedPipeline, each: (Model) -> Void = { _ in }) throws(AppError) -> [Model] {
        let frames: [VideoFrame]
        do { frames = try ProfileFrames.load(video: request.video, sampling: loaded.spec.sampling) } catch {
            throw .file(path: request.video ?? "synthetic frame", message: "\(error)")
        }
        try prepareDirectory()
        let profiler = StageProfiler(configuration: .init(batches: request.batches, iterations: request.iterations))
        var out: [Model] = []
        var seen = Set<String>()
        let measured = loaded.stages.filter { seen.insert($0.model.name).inserted }
        // A crop stage is timed on the crops its upstream stages cut from these frames (stand-ins when
        // they find none); the upstream stages run once for every stage measured.
        let timing: [String: (images: [ImageSample], cut: Bool)]
        do {
            timing = try StageInputSampler.timingImages(for: measured.filter { if case .image = $0.feed { true } else { false } }.map(\.spec.name),
                                                        in: loaded, frames: frames, limit: 64)
        } catch {
            throw .modelRuntime("cutting the crops to profile on: \(error)")
        }
        for stage in measured {
            let m: StageMeasurement
            do {
                let images = timing[stage.spec.name] ?? (frames.map { ImageSample(frame: $0) }, true)
                let source = !Self.cropped(stage) ? frameSource
                    : images.cut ? "crops cut on \(frameSource)" : "stand-in centre crops of \(frameSource) (no boxes found upstream)"
                m = try profiler.profile(stage: stage, images: images.images, frameSource: source, device: request.device)
            } catch {
                throw .modelRuntime("profiling model '\(stage.model.name)': \(error)")
            }
            var model = Model(measurement: m, savedAt: nil)
            if request.save {
                let path = DeviceName.profilePath(modelPath: m.modelPath, device: request.device, directory: request.directory)
                model.saved = try ProfileFile.save(m.profile, to: path)
                model.savedAt = path
            }
            out.append(model)
            each(out[out.count - 1])
        }
        return out
    }

    /// Frames of the decode videos (the same number from each) crop stages' fan-out is measured on.
    public static let fanoutFrames = 48

    /// Whether the stage is fed crops of an upstream stage's boxes.
    static func cropped(_ stage: LoadedStage) -> Bool {
        if case .crops = stage.spec.input { return true }
        return false
    }
}
