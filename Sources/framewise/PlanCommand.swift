import ArgumentParser
import FramewiseApp
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import Foundation

/// `framewise plan PIPELINE --rate 500000/day --slo 5s`: devices (GPUs or CPU workers), batch
/// sizes and instances per stage from the models' saved profiles, decoding included from the
/// pipeline's decode profile; `--devices N` instead of `--rate` plans the highest rate N devices serve.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Plan capacity for a video rate (--rate) or a device count (--devices) and a latency SLO (--slo) from the models' profiles.",
        usage: "framewise plan <pipeline> (--rate <rate> | --devices <n>) --slo <slo> [<options>]",
        discussion: """
            Give --rate to get the devices a rate needs, or --devices N to get the highest rate N devices serve. \
            A device is a GPU, or on CPU a worker: a worker is one model instance running one batch at a time on \
            the intra-op threads the engine gives it (one core on CPU, unless the model sets `threads:`). On CPU \
            some workers may only decode ("decode only" in the allocation). The rate counts videos. Each stage gets frames per video from the sampling policy and \
            --video-seconds, times --fanout for crop stages. Profiles are read beside the models \
            (<model>.onnx.profile-<device>.json, written by `framewise profile`) and from every JSON file \
            in --profiles DIR, matched by the model file's SHA-256 (else the model name) and the device. \
            Decoding is counted from <pipeline>.decode-profile-<device>.json (beside the pipeline or in --profiles; \
            written by `framewise profile --decode-videos`), scaled to --video-seconds: on CPU workers every worker \
            gives an equal share of its core to decoding (the models run that much slower); for GPUs it is \
            reported as CPU cores beside them.
            """)

    @Argument(help: "Pipeline YAML file.") var pipeline: String
    @Option(help: "Videos per time unit: 500000/day, 20/s, 3000/h.") var rate: String?
    @Option(parsing: .unconditional, help: "Instead of --rate: plan the highest rate this many devices (GPUs or CPU workers) serve.") var devices: Int?
    @Option(help: "End-to-end latency SLO: 5s, 250ms.") var slo: String
    @Option(help: "Also read profiles from every JSON file in this folder.") var profiles: String?
    @Option(help: "Device to plan for (default: this machine's cpu-<cores>c-<cpu model>).") var device: String?
    @Option(name: .customLong("device-kind"), help: "gpu or cpu (default: cpu for names starting with 'cpu').") var deviceKind: String?
    @Option(name: .customLong("json"), help: "Write the plan JSON here (input of `run --plan`).") var jsonPath: String?
    @Option(parsing: .singleValue, help: "Crops per parent item of a crop stage, STAGE=N (repeatable; default 1).") var fanout: [String] = []
    @Option(name: .customLong("video-seconds"), help: "Seconds per video (default: the mean length of the videos in the decode profile, else 10).") var videoSeconds: Double?
    @Option(name: .customLong("source-fps"), help: "Assumed frame rate of the videos (every-frame and every-N sampling).") var sourceFPS = 30.0
    @Option(help: "Latency statistic to plan with: p99 or mean.") var statistic = "p99"
    @Flag(name: .customLong("per-item-off-device"), help: "On CPU, do not count pre- and post-processing as worker time.")
    var perItemOffDevice = false
    @Flag(name: .customLong("no-decode"), help: "Do not count decoding (plans as before decode profiles existed).") var noDecode = false
    @Option(name: .customLong("decode-device"), help: "Device of the decode profile (default: the plan's device on CPU, this machine for GPUs).")
    var decodeDevice: String?
    @OptionGroup var engine: EngineOptions

    func validate() throws {
        if (rate == nil) == (devices == nil) { throw ValidationError("give either --rate or --devices") }
        if let devices, devices < 1 { throw ValidationError("--devices must be at least 1, got \(devices)") }
        _ = try parsedRate()
        _ = try parsedSLO()
        _ = try parsedFanout()
        if let videoSeconds, !(videoSeconds > 0 && videoSeconds.isFinite) { throw ValidationError("--video-seconds must be positive, got \(videoSeconds)") }
        if !(sourceFPS > 0 && sourceFPS.isFinite) { throw ValidationError("--source-fps must be positive") }
        if LatencyStatistic(rawValue: statistic) == nil { throw ValidationError("--statistic must be p99 or mean") }
        if let deviceKind, PlannerDevice.Kind(rawValue: deviceKind) == nil { throw ValidationError("--device-kind must be gpu or cpu") }
    }

    private func parsedRate() throws -> Double? {
        guard let rate else { return nil }
        do { return try PlanningUnits.rate(rate) } catch { throw ValidationError("--rate: \(error)") }
    }

    private func parsedSLO() throws -> Double {
        do { return try PlanningUnits.seconds(slo) } catch { throw ValidationError("--slo: \(error)") }
    }

    private func parsedFanout() throws -> [String: Double] {
        var out: [String: Double] = [:]
        for item in fanout {
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let n = Double(parts[1]), n.isFinite, n >= 0 else {
                throw ValidationError("--fanout expects STAGE=N, got '\(item)'")
            }
            out[parts[0]] = n
        }
        return out
    }

    func run() async throws {
        engine.bootstrapLogging()
        let loaded = try loadPipeline(pipeline, options: engine)
        var request = PlanRequest(pipelinePath: pipeline, rate: try parsedRate(), devices: devices, slo: try parsedSLO())
        request.profilesDirectory = profiles
        request.device = device
        request.deviceKind = deviceKind.flatMap(PlannerDevice.Kind.init(rawValue:))
        request.fanout = try parsedFanout()
        request.videoSeconds = videoSeconds
        request.sourceFPS = sourceFPS
        request.statistic = LatencyStatistic(rawValue: statistic) ?? .p99
        request.perItemOffDevice = perItemOffDevice
        request.noDecode = noDecode
        request.decodeDevice = decodeDevice
        try reportingAppErrors {
            let outcome = try Planning.plan(loaded, request)
            for warning in outcome.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            print(outcome.text)
            if let jsonPath {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                do {
                    let data = try encoder.encode(outcome.plan)
                    try CheckedWrite.replace(jsonPath, with: String(decoding: data, as: UTF8.self))
                } catch let error as ResultWriteError {
                    throw AppError.file(path: jsonPath, message: "cannot write the plan: \(error.reason)")
                } catch {
                    throw AppError.file(path: jsonPath, message: "cannot encode the plan: \(error)")
                }
                print("plan written to \(jsonPath)")
            }
        }
    }
}
