import ArgumentParser
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
        abstract: "Plan capacity for a video rate and latency SLO from the models' profiles.",
        discussion: """
            The rate counts videos. Each stage gets frames per video from the sampling policy and \
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
    @Option(help: "Instead of --rate: plan the highest rate this many devices (GPUs or CPU workers) serve.") var devices: Int?
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
        if let devices, devices < 1 { throw ValidationError("--devices must be at least 1") }
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
        let deviceName = device ?? DeviceName.local()
        let kind = deviceKind.flatMap(PlannerDevice.Kind.init(rawValue:)) ?? (deviceName.lowercased().hasPrefix("cpu") ? .cpu : .gpu)
        let videoRate = try parsedRate()
        let sloSeconds = try parsedSLO()
        let fanouts = try parsedFanout()
        for name in fanouts.keys where loaded.spec.stage(named: name) == nil {
            throw ValidationError("--fanout names unknown stage '\(name)'")
        }
        let decodeProfile = noDecode ? nil : try DecodeProfileFile.find(pipeline: pipeline, device: kind == .cpu ? deviceName : (decodeDevice ?? DeviceName.local()),
                                                                          directory: profiles)
        let length = videoLength(decodeProfile?.profile)
        let rates = StageRates(spec: loaded.spec, assumptions: .init(videoSeconds: length.seconds, sourceFPS: sourceFPS, fanout: fanouts))
        var catalog = ProfileCatalog()
        var hashes: [String: String] = [:]
        for model in loaded.spec.models where loaded.stages.contains(where: { $0.model.name == model.name }) {
            let hash = try SHA256.hex(ofFile: model.path)
            hashes[model.name] = hash
            let beside = DeviceName.profilePath(modelPath: model.path, device: deviceName)
            if FileManager.default.fileExists(atPath: beside) { try ProfileFile.read(beside).forEach { catalog.insert($0) } }
        }
        if let profiles {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: profiles)) ?? []
            for file in files.sorted() where file.hasSuffix(".json") && !file.contains(DecodeProfileFile.marker) {
                let path = URL(fileURLWithPath: profiles).appendingPathComponent(file).path
                do { try ProfileFile.read(path).forEach { catalog.insert($0) } } catch {
                    FileHandle.standardError.write(Data("warning: skipping \(path): not a profile (\(error))\n".utf8))
                }
            }
        }
        let stages = rates.stages.map { s in
            PlannerStage(name: s.name, model: hashes[s.model] ?? s.model, inputs: s.inputs, rateMultiplier: s.perVideo)
        }
        // A profile found by hash is used as is; one keyed by the model name is accepted too (hand-written).
        for stage in stages where (try? catalog.profile(model: stage.model, device: deviceName)) == nil {
            let name = rates.stages.first { $0.name == stage.name }?.model ?? stage.name
            if let byName = try? catalog.profile(model: name, device: deviceName) {
                var copy = byName
                copy.modelHash = stage.model
                catalog.insert(copy)
            } else {
                FileHandle.standardError.write(Data("error: no profile of model '\(name)' on device '\(deviceName)'; run `framewise profile \(pipeline)\(device.map { " --device \($0)" } ?? "")` or pass --profiles DIR\n".utf8))
                throw ExitCode(2)
            }
        }
        var notes: [String] = [length.note]
        if kind == .cpu { try checkThreads(loaded, catalog: catalog, stages: stages, device: deviceName, notes: &notes) }
        // A CPU worker preprocesses and post-processes its own batches: that time occupies the
        // worker, so it goes into the batch latency the packer fills duty cycles with.
        if kind == .cpu, !perItemOffDevice {
            catalog = ProfileCatalog(catalog.profiles.map { p in
                guard p.deviceName == deviceName, p.perItemOverhead > 0 else { return p }
                var q = p
                q.entries = p.entries.map { e in
                    var f = e
                    let extra = Double(e.batchSize) * p.perItemOverhead
                    f.latencyMean += extra
                    f.latencyP99 += extra
                    return f
                }
                q.preprocessSeconds = 0
                q.postprocessSeconds = 0
                return q
            })
            notes.append("CPU workers: per-item pre- and post-processing added to batch latencies (--per-item-off-device to keep them apart)")
        }
        let decode = try decodeCost(spec: loaded.spec, found: decodeProfile, videoSeconds: length.seconds,
                                    framesPerVideo: rates.framesPerVideo, notes: &notes)
        let planner = Planner(profiles: catalog, configuration: .init(statistic: LatencyStatistic(rawValue: statistic) ?? .p99))
        let pipelinePlan = PlannerPipeline(name: loaded.spec.name, stages: stages)
        let target = PlannerDevice(name: deviceName, kind: kind)
        var plan: CapacityPlan
        do {
            if let videoRate {
                plan = try planner.plan(pipeline: pipelinePlan, rate: videoRate, slo: sloSeconds, device: target, decode: decode)
            } else if let devices, let best = try planner.plan(pipeline: pipelinePlan, slo: sloSeconds, device: target, devices: devices, decode: decode) {
                plan = best
                notes.append(String(format: "the highest rate found to fit %d %@: %.4g videos/s", devices, kind == .gpu ? "GPUs" : "workers", best.rate))
            } else {
                FileHandle.standardError.write(Data("error: no rate fits on \(devices ?? 0) devices within the SLO\n".utf8))
                throw ExitCode(1)
            }
        } catch let error as PlannerError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
        plan.framesPerVideo = rates.framesPerVideo
        plan.videoSeconds = length.seconds
        if kind == .cpu { plan.threadsPerWorker = loaded.stages.map { $0.model.resolvedSession.intraOpThreads }.max() }
        var shown = rates
        shown.notes += notes
        print(PlanTable.text(plan, pipeline: loaded.spec.name, rates: shown, videoRate: plan.rate))
        if let jsonPath {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(plan).write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
            print("plan written to \(jsonPath)")
        }
    }
}

extension PlanCommand {
    /// Seconds per video: `--video-seconds`, else the mean length of the decode profile's videos, else 10; with a note saying which.
    private func videoLength(_ profile: DecodeProfile?) -> (seconds: Double, note: String) {
        if let videoSeconds { return (videoSeconds, String(format: "videos of %g s (--video-seconds)", videoSeconds)) }
        if let profile, profile.videos > 0, profile.videoSeconds > 0 {
            let mean = profile.videoSeconds / Double(profile.videos)
            return (mean, String(format: "videos of %.3g s: the mean of the %d profiled videos (--video-seconds to change)", mean, profile.videos))
        }
        return (10, "videos of 10 s assumed: no decode profile to take their length from (give --video-seconds)")
    }

    /// On CPU a worker is the intra-op threads the engine gives one model instance: every profile
    /// must have been measured with those threads, else the plan would mix units. Refuses with the fix.
    private func checkThreads(_ loaded: LoadedPipeline, catalog: ProfileCatalog, stages: [PlannerStage], device: String,
                              notes: inout [String]) throws {
        let models = loaded.stages.compactMap { stage -> (model: String, profile: ModelProfile, runs: Int)? in
            let hash = stages.first { $0.name == stage.spec.name }?.model ?? stage.model.name
            guard let profile = try? catalog.profile(model: hash, device: device) else { return nil }
            return (stage.model.name, profile, stage.model.resolvedSession.intraOpThreads)
        }
        let problems = WorkerThreads.mismatches(models).map(\.description)
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data(("error: the profiles do not match the plan's worker:\n" + problems.map { "  \($0)\n" }.joined()
                + "  profile again as the engine runs the pipeline: `framewise profile \(pipeline)\(device == DeviceName.local() ? "" : " --device \(device)")`\n").utf8))
            throw ExitCode(2)
        }
        let threads = Set(loaded.stages.map { $0.model.resolvedSession.intraOpThreads }).sorted().map(String.init).joined(separator: "/")
        notes.append("a worker is \(threads) intra-op thread(s) running one batch at a time, as profiled and as `run --plan` runs it")
    }

    /// The decode cost from the pipeline's decode profile, or nil (with a note saying why).
    private func decodeCost(spec: PipelineSpec, found: (profile: DecodeProfile, path: String)?, videoSeconds: Double, framesPerVideo: Double,
                            notes: inout [String]) throws -> DecodeCost? {
        guard !noDecode else {
            notes.append("decoding not counted (--no-decode)")
            return nil
        }
        guard let (profile, path) = found else {
            notes.append("decoding not counted: no decode profile; run `framewise profile \(pipeline) --decode-videos VIDEOS`")
            return nil
        }
        guard profile.sampling == spec.sampling.description else {
            notes.append("decoding not counted: \(path) was measured with sampling '\(profile.sampling)', the pipeline has '\(spec.sampling)'; profile again")
            return nil
        }
        do {
            let cost = try profile.cost(videoSeconds: videoSeconds, framesPerVideo: framesPerVideo)
            notes.append(String(format: "decode: %.2f ms CPU per video-second (%d videos profiled on %@) x %.3g s = %.3f s per video",
                                profile.secondsPerVideoSecond * 1000, profile.videos, profile.deviceName, videoSeconds, cost.secondsPerVideo))
            return cost
        } catch {
            throw ValidationError("decode profile \(path): \(error)")
        }
    }
}

/// The readable form of a plan.
enum PlanTable {
    static func text(_ plan: CapacityPlan, pipeline: String, rates: StageRates, videoRate: Double) -> String {
        let unit = plan.device.kind == .gpu ? "GPUs" : "workers"
        var lines = ["plan for \(pipeline): " + String(format: "%.4g videos/s (%.0f/day, %.1f frames/s), SLO %.3g s", videoRate, videoRate * 86_400,
                                                      videoRate * rates.framesPerVideo, plan.slo)
                     + ", device \(plan.device.name) (\(plan.device.kind.rawValue))"]
        lines += rates.notes.map { "  note: \($0)" }
        let header = ["stage", "model", "items/s", "budget s", "batch", "inst", unit, "duty ms", "capacity/s", "worst ms"]
        let widths = [12, 12, 9, 9, 6, 5, 8, 9, 11, 10]
        func row(_ cells: [String]) -> String {
            zip(cells, widths).enumerated().map { i, cw in
                let (cell, width) = cw
                let pad = String(repeating: " ", count: max(0, width - cell.count))
                return i < 2 ? cell + pad : pad + cell
            }.joined(separator: " ")
        }
        lines.append(row(header))
        for r in plan.rows {
            lines.append(row([r.stage, String(r.model.prefix(12)), String(format: "%.2f", r.rate), String(format: "%.3f", r.latencyBudget),
                              String(r.batchSize), String(r.instances), String(format: "%.2f", r.devices),
                              String(format: "%.1f", r.dutyCycle * 1000), String(format: "%.2f", r.predictedThroughput),
                              String(format: "%.1f", r.worstCaseLatency * 1000)]))
        }
        lines.append("\(unit): \(plan.deviceCount) " + String(format: "(lower bound %.2f, gap %.2f = %.0f%%); worst-case latency %.3f s of %.3g s",
                                                            plan.lowerBound, plan.gapToLowerBound, plan.relativeGapToLowerBound * 100,
                                                            plan.worstCaseLatency, plan.slo))
        if let d = plan.decode {
            let share = d.shares.map { String(format: "%@ %d %.2f", unit == "GPUs" ? "core" : "worker", $0.worker, $0.cores) }.joined(separator: ", ")
            lines.append(String(format: "decode: %.3f s CPU per video (%.1f ms per frame) x %.4g videos/s = %.2f cores", d.secondsPerVideo,
                                d.secondsPerFrame * 1000, d.rate, d.cores)
                         + (d.countedInDevices ? "; on \(share.isEmpty ? "no worker" : share)"
                            + (d.dedicatedWorkers > 0 ? " (\(d.dedicatedWorkers) decode-only)" : "") + String(format: "; capacity %.3f videos/s", d.capacity)
                            : "; CPU cores needed beside the GPUs: \(d.dedicatedWorkers)"))
        }
        if let capacity = plan.predictedCapacity ?? predictedVideosPerSecond(plan, rates: rates) {
            lines.append(String(format: "predicted capacity: %.3f videos/s (%.0f/day, %.1f frames/s)", capacity, capacity * 86_400, capacity * rates.framesPerVideo)
                         + (plan.decode?.countedInDevices == true ? ", decoding included" : ""))
        }
        for device in plan.allocations {
            let sessions = device.sessions.map { "\($0.sessionID) b\($0.batchSize) (" + String(format: "%.1f ms)", $0.batchLatency * 1000) }
            lines.append("  \(unit == "GPUs" ? "GPU" : "worker") \(device.index): " + String(format: "duty cycle %.1f ms, ", device.dutyCycle * 1000)
                         + sessions.joined(separator: " + ") + (device.isSaturated ? " (saturated)" : ""))
        }
        return lines.joined(separator: "\n")
    }

    /// Videos per second the plan's slowest stage can serve (nil when no stage has work).
    static func predictedVideosPerSecond(_ plan: CapacityPlan, rates: StageRates) -> Double? {
        let perVideo = Dictionary(rates.stages.map { ($0.name, $0.perVideo) }, uniquingKeysWith: { a, _ in a })
        return plan.rows.compactMap { r in
            guard let n = perVideo[r.stage], n > 0 else { return nil }
            return r.predictedThroughput / n
        }.min()
    }
}
