import ArgumentParser
import FramewiseApp
import FramewiseCore
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
            keyed by the SHA-256 of the model file and the device name. A profile already saved there for the same \
            model file, device and threads is merged: batch sizes not measured again are kept, the new measurement \
            wins for those measured again (otherwise it is replaced, and the output says why). Each model runs with the intra-op threads \
            the engine gives it (one on CPU unless the model sets `threads:`), and the profile records them. Memory \
            is approximate: the model file size plus the growth of the process's peak resident set while the batch \
            size runs. With --decode-videos (default: --video), decoding those videos with the pipeline's sampling \
            is timed first (CPU seconds of the process, one video at a time, the engine's decoder threads per video) \
            and saved as <pipeline>.decode-profile-<device>.json beside the pipeline (or in --profiles DIR).
            """)

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Option(parsing: .upToNextOption, help: "Batch sizes (default: powers of two up to each model's batch limit, and the limit).")
    var batches: [Int] = []
    @Option(parsing: .unconditional, help: "Timed runs per batch size.") var iterations = 20
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
        if iterations < 1 { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        if let device, device.isEmpty { throw ValidationError("--device must not be empty") }
    }

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        let profiling = PipelineProfiling(.init(pipelinePath: pipeline, batches: batches.isEmpty ? nil : batches, iterations: iterations,
                                                video: video, decodeVideos: decodeVideos, device: device, directory: profiles, save: !noSave))
        try reportingAppErrors {
            print("device \(profiling.request.device); preprocessing timed on \(profiling.frameSource)")
            if let (p, saved) = try profiling.profileDecoding(loaded) {
                print(String(format: "decode (%@, %d thread%@ per video): %@, %.1f s of video, %d decoded / %d sampled frames; "
                             + "CPU %.3f s (wall %.3f s): %.1f ms per video, %.2f ms per video-second, %.2f ms per sampled frame",
                             p.sampling, p.threadsPerDecoder, p.threadsPerDecoder == 1 ? "" : "s", p.videos.counted("video") as NSString, p.videoSeconds, p.decodedFrames,
                             p.sampledFrames, p.cpuSeconds, p.wallSeconds, p.secondsPerVideo * 1000, p.secondsPerVideoSecond * 1000,
                             p.secondsPerSampledFrame * 1000))
                if let fanout = p.fanout, !fanout.isEmpty {
                    print("crops per item, measured on up to \(PipelineProfiling.fanoutFrames) frames of those videos (plan uses them where --fanout does not say): "
                          + fanout.sorted { $0.key < $1.key }.map { String(format: "%@=%.2f", $0.key, $0.value) }.joined(separator: " "))
                }
                if let saved { print("  saved \(saved)") }
            } else {
                print("decode: not profiled (give --decode-videos or --video to count decoding in CPU plans)")
            }
            let threads = Set(loaded.stages.map { $0.model.resolvedSession.intraOpThreads }).sorted().map(String.init).joined(separator: "/")
            print("each model runs with \(threads) intra-op thread(s), as the engine runs it (a CPU worker); set `threads:` per model to change it")
            print("model          input                      batch   mean ms    std ms    p99 ms   ms/item   items/s   memory MB")
            _ = try profiling.profileModels(loaded) { model in
                let m = model.measurement
                for b in m.batches {
                    print(m.modelName.padded(14) + " " + (b.inputShapes ?? "").padded(26) + String(
                        format: " %5d %9.2f %9.2f %9.2f %9.2f %9.1f %11.1f", b.batchSize, b.latencyMean * 1000, b.latencyStd * 1000, b.latencyP99 * 1000,
                        b.latencyMean * 1000 / Double(b.batchSize), Double(b.batchSize) / b.latencyMean, Double(b.memoryBytes) / 1e6))
                }
                print(m.modelName.padded(14) + String(format: " per item: preprocess %.3f ms, postprocess %.3f ms",
                                                      m.preprocessSeconds * 1000, m.postprocessSeconds * 1000)
                      + (m.preprocessSource == profiling.frameSource ? "" : " (on \(m.preprocessSource))"))
                if let saved = model.savedAt {
                    let kept = model.saved.keptBatches
                    let note = !kept.isEmpty ? " (merged: batch size\(kept.count == 1 ? "" : "s") \(kept.map(String.init).joined(separator: ", ")) kept from the saved profile)"
                        : model.saved.replaced.map { " (replaced the saved profile: \($0))" } ?? ""
                    print("  saved \(saved)" + note)
                }
            }
        }
    }
}

extension String {
    /// The string left-aligned in `width` columns.
    func padded(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
