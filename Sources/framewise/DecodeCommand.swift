import ArgumentParser
import FramewiseCore
import FramewiseMedia
import FramewiseRuntime
import Foundation

/// `framewise decode VIDEO... --sampling P`: decode throughput per sampling policy; folders are
/// expanded to their video files as `run` does.
struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Measure decoding: frames decoded and kept per second for each sampling policy.")

    @Argument(help: "Video files or folders (searched for video files, as run does).") var inputs: [String]
    @Option(name: .customLong("sampling"), parsing: .upToNextOption,
            help: "Policies: every_frame keyframes fps:N every:N uniform:K (default: all five).")
    var sampling: [SamplingArgument] = []
    @Option(name: .customLong("decode-threads"), parsing: .unconditional, help: "Decoder threads per video (0: automatic).") var decodeThreads = 0
    @Option(name: .customLong("threads"), parsing: .unconditional, help: .hidden) var threadsAlias: Int?
    /// `--decode-threads`, or its old spelling `--threads`.
    var threads: Int { threadsAlias ?? decodeThreads }
    @Option(parsing: .unconditional, help: "Repeat each measurement this many times and keep the fastest.") var repeats = 1

    func validate() throws {
        if threads < 0 { throw ValidationError("--decode-threads must be 0 (automatic) or more, got \(threads)") }
        if repeats < 1 { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
    }

    func run() async throws {
        FFmpegLogging.install(level: .critical)
        let videos = VideoInputs.expand(inputs)
        guard !videos.isEmpty else { throw ValidationError("no video files found in \(inputs.joined(separator: ", "))") }
        let policies = sampling.isEmpty
            ? ["every_frame", "keyframes", "fps:1", "every:5", "uniform:8"].compactMap(SamplingArgument.init(argument:)) : sampling
        print("policy        decoded  kept   seconds  decoded fps  kept fps   (threads \(threads == 0 ? "auto" : String(threads)), \(videos.count.counted("video")))")
        for p in policies {
            var best = Double.infinity
            var decoded = 0, kept = 0
            for _ in 0..<max(1, repeats) {
                let clock = ContinuousClock()
                let start = clock.now
                decoded = 0
                kept = 0
                for video in videos {
                    do {
                        let decoder = try VideoDecoder(path: video, sampling: p.policy, threads: threads)
                        while try decoder.next() != nil { kept += 1 }
                        decoded += decoder.decodedFrameCount
                    } catch {
                        print("  \(video): \(error)")
                    }
                }
                let d = clock.now - start
                best = min(best, d.seconds)
            }
            print(String(format: "%-12@ %8d %5d %9.3f %12.1f %9.1f", p.text as NSString, decoded, kept, best,
                         Double(decoded) / best, Double(kept) / best))
        }
    }
}
