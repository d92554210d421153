import Foundation
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime

/// Plans from profiles: reads the models' saved profiles (beside the models, or in a folder) and
/// the pipeline's decode profile, checks they are in the engine's units, and runs the planner.
public enum Planning {
    public static func plan(_ loaded: LoadedPipeline, _ request: PlanRequest) throws(AppError) -> PlanOutcome {
        let deviceName = request.deviceName
        let kind = request.kind
        for name in request.fanout.keys where loaded.spec.stage(named: name) == nil {
            throw .invalidArgument(name: "--fanout", message: "unknown stage '\(name)'")
        }
        let decodeProfile = request.noDecode ? nil : try DecodeProfileFile.find(
            pipeline: request.pipelinePath, device: kind == .cpu ? deviceName : (request.decodeDevice ?? DeviceName.local()),
            directory: request.profilesDirectory)
        let length = videoLength(request, decodeProfile?.profile)
        let fanout = Self.fanout(request, measured: decodeProfile?.profile.fanout)
        let rates = StageRates(spec: loaded.spec, assumptions: .init(videoSeconds: length.seconds, sourceFPS: request.sourceFPS, fanout: fanout.values))
        var warnings: [String] = []
        var (catalog, stages) = try profiles(loaded, rates: rates, request: request, warnings: &warnings)
        var notes: [String] = [length.note] + (fanout.note.map { [$0] } ?? [])
        if kind == .cpu { try checkThreads(loaded, catalog: catalog, stages: stages, request: request, notes: &notes) }
        // A CPU worker preprocesses and post-processes its own batches: that time occupies the
        // worker, so it goes into the batch latency the packer fills duty cycles with.
        if kind == .cpu, !request.perItemOffDevice {
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
        let decode = try decodeCost(loaded.spec, request: request, found: decodeProfile, videoSeconds: length.seconds,
                                    framesPerVideo: rates.framesPerVideo, notes: &notes)
        let planner = Planner(profiles: catalog, configuration: .init(statistic: request.statistic))
        let pipeline = PlannerPipeline(name: loaded.spec.name, stages: stages)
        let target = PlannerDevice(name: deviceName, kind: kind)
        var plan: CapacityPlan
        do {
            if let rate = request.rate {
                plan = try planner.plan(pipeline: pipeline, rate: rate, slo: request.slo, device: target, decode: decode)
            } else if let devices = request.devices {
                guard let best = try planner.plan(pipeline: pipeline, slo: request.slo, device: target, devices: devices, decode: decode) else {
                    throw AppError.noPlan("no rate fits on \(devices) devices within the SLO")
                }
                plan = best
                notes.append(String(format: "the highest rate found to fit %d %@: %.4g videos/s", devices, kind == .gpu ? "GPUs" : "workers", best.rate))
            } else {
                throw AppError.invalidArgument(name: "--rate", message: "give either --rate or --devices")
            }
        } catch let error as AppError {
            throw error
        } catch {
            throw .noPlan("\(error)")
        }
        plan.framesPerVideo = rates.framesPerVideo
        plan.videoSeconds = length.seconds
        if kind == .cpu { plan.threadsPerWorker = loaded.stages.map { $0.model.resolvedSession.intraOpThreads }.max() }
        var shown = rates
        shown.notes += notes
        return PlanOutcome(pipeline: loaded.spec.name, plan: plan, rates: shown, warnings: warnings)
    }

    /// The profiles of the pipeline's models on the request's device, and the planner's stages
    /// (keyed by model hash). A profile keyed by the model's name is accepted too (hand-written).
    private static func profiles(_ loaded: LoadedPipeline, rates: StageRates, request: PlanRequest, warnings: inout [String])
        throws(AppError) -> (ProfileCatalog, [PlannerStage])
    {
        let deviceName = request.deviceName
        var catalog = ProfileCatalog()
        var hashes: [String: String] = [:]
        for model in loaded.spec.models where loaded.stages.contains(where: { $0.model.name == model.name }) {
            do {
                let hash = try SHA256.hex(ofFile: model.path)
                hashes[model.name] = hash
                let beside = DeviceName.profilePath(modelPath: model.path, device: deviceName)
                if FileManager.default.fileExists(atPath: beside) { try ProfileFile.read(beside).forEach { catalog.insert($0) } }
            } catch {
                throw .file(path: model.path, message: "\(error)")
            }
        }
        if let directory = request.profilesDirectory {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".json") && !file.contains(DecodeProfileFile.marker) {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
                do { try ProfileFile.read(path).forEach { catalog.insert($0) } } catch {
                    warnings.append("skipping \(path): not a profile (\(error))")
                }
            }
        }
        let stages = rates.stages.map { s in
            PlannerStage(name: s.name, model: hashes[s.model] ?? s.model, inputs: s.inputs, rateMultiplier: s.perVideo)
        }
        for stage in stages where (try? catalog.profile(model: stage.model, device: deviceName)) == nil {
            let name = rates.stages.first { $0.name == stage.name }?.model ?? stage.name
            guard let byName = try? catalog.profile(model: name, device: deviceName) else {
                throw .missing("no profile of model '\(name)' on device '\(deviceName)'; run `framewise profile \(request.pipelinePath)"
                               + "\(request.device.map { " --device \($0)" } ?? "")` or pass --profiles DIR")
            }
            var copy = byName
            copy.modelHash = stage.model
            catalog.insert(copy)
        }
        return (catalog, stages)
    }

    /// Crops per parent item of each crop stage: `--fanout` where given, else what `profile` measured
    /// on the decode profile's videos; with a note naming the measured ones used.
    public static func fanout(_ request: PlanRequest, measured: [String: Double]?) -> (values: [String: Double], note: String?) {
        var values = request.fanout
        var used: [String] = []
        for (stage, n) in (measured ?? [:]).sorted(by: { $0.key < $1.key }) where values[stage] == nil {
            values[stage] = n
            used.append(String(format: "%@=%.2f", stage, n))
        }
        return (values, used.isEmpty ? nil : "crops per item measured by profile on the decode profile's videos: " + used.joined(separator: " ")
                                              + " (--fanout STAGE=N to set them)")
    }

    /// Seconds per video: the request's, else the mean length of the decode profile's videos, else 10; with a note saying which.
    static func videoLength(_ request: PlanRequest, _ profile: DecodeProfile?) -> (seconds: Double, note: String) {
        if let seconds = request.videoSeconds { return (seconds, String(format: "videos of %g s (--video-seconds)", seconds)) }
        if let profile, profile.videos > 0, profile.videoSeconds > 0 {
            let mean = profile.videoSeconds / Double(profile.videos)
            return (mean, String(format: "videos of %.3g s: the mean of the %d profiled videos (--video-seconds to change)", mean, profile.videos))
        }
        return (10, "videos of 10 s assumed: no decode profile to take their length from (give --video-seconds)")
    }

    /// On CPU a worker is the intra-op threads the engine gives one model instance: every profile
    /// must have been measured with those threads, else the plan would mix units.
    private static func checkThreads(_ loaded: LoadedPipeline, catalog: ProfileCatalog, stages: [PlannerStage], request: PlanRequest,
                                     notes: inout [String]) throws(AppError) {
        let models = loaded.stages.compactMap { stage -> (model: String, profile: ModelProfile, runs: Int)? in
            let hash = stages.first { $0.name == stage.spec.name }?.model ?? stage.model.name
            guard let profile = try? catalog.profile(model: hash, device: request.deviceName) else { return nil }
            return (stage.model.name, profile, stage.model.resolvedSession.intraOpThreads)
        }
        let problems = WorkerThreads.mismatches(models).map(\.description)
        guard problems.isEmpty else {
            throw .missing("the profiles do not match the plan's worker:\n" + problems.map { "  \($0)\n" }.joined()
                           + "  profile again as the engine runs the pipeline: `framewise profile \(request.pipelinePath)"
                           + (request.device.map { " --device \($0)" } ?? "") + "`")
        }
        let threads = Set(loaded.stages.map { $0.model.resolvedSession.intraOpThreads }).sorted().map(String.init).joined(separator: "/")
        notes.append("a worker is \(threads) intra-op thread(s) running one batch at a time, as profiled and as `run --plan` runs it")
    }

    /// The decode cost from the pipeline's decode profile, or nil (with a note saying why).
    private static func decodeCost(_ spec: PipelineSpec, request: PlanRequest, found: (profile: DecodeProfile, path: String)?,
                                   videoSeconds: Double, framesPerVideo: Double, notes: inout [String]) throws(AppError) -> DecodeCost? {
        guard !request.noDecode else {
            notes.append("decoding not counted (--no-decode)")
            return nil
        }
        guard let (profile, path) = found else {
            notes.append("decoding not counted: no decode profile; run `framewise profile \(request.pipelinePath) --decode-videos VIDEOS`")
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
            throw .file(path: path, message: "\(error)")
        }
    }
}
