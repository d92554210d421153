import Foundation
import FramewiseCore
import FramewiseRuntime

/// One variant of a model: its file, its accuracy against the original on held-out frames, its speed.
public struct VariantReport: Sendable, Codable {
    public var variant: String
    public var file: String
    public var accuracy: VariantAccuracy?
    /// Median ms of one batch on the held-out frames (the original's in `ModelReport`).
    public var msPerBatch: Double?
}

/// What `framewise optimize` made of one model.
public struct ModelReport: Sendable, Codable {
    public var model: String
    public var file: String
    /// The stage whose preprocessing fed calibration and comparison (nil: no stage feeds the model images).
    public var stage: String?
    public var batch: Int
    public var calibrationFrames: Int
    public var heldOutFrames: Int
    public var originalMsPerBatch: Double?
    /// What `clean` changed: initializers listed as inputs, unused initializers, opset from/to.
    public var clean: [String: Double]
    public var notes: [String]
    public var variants: [VariantReport]
}

/// Makes variants of each model of a pipeline and measures them against the original.
public struct ModelOptimizer: Sendable {
    public var videos: [String]
    public var variants: [String]
    /// Where variant files go (nil: beside each model).
    public var output: String?
    public var holdOutEvery = 4
    public var calibrationLimit = 64
    public var batch = 4
    public var timingRuns = 5
    public var script: VariantScript

    public init(videos: [String], variants: [String], output: String?, script: VariantScript) {
        self.videos = videos
        self.variants = variants
        self.output = output
        self.script = script
    }

    /// Every model of `pipeline` used by a stage, in declaration order.
    public func optimize(_ pipeline: LoadedPipeline, backend: any InferenceBackend) throws -> [ModelReport] {
        var reports: [ModelReport] = []
        for model in pipeline.spec.models {
            let stages = pipeline.stages.filter { $0.model.name == model.name }
            guard let any = stages.first else { continue }
            // Calibrated on what the model is fed: whole frames where a stage gives it them, else crops.
            func fed(_ stage: LoadedStage, crops: Bool) -> Bool {
                guard case .image = stage.feed else { return false }
                switch stage.spec.input {
                case .frame: return !crops
                case .crops: return crops
                case .tensors: return false
                }
            }
            let imaged = stages.first { fed($0, crops: false) } ?? stages.first { fed($0, crops: true) }
            reports.append(try optimize(model: model, stage: imaged ?? any, imaged: imaged != nil, pipeline: pipeline, backend: backend))
        }
        return reports
    }

    func optimize(model: ModelSpec, stage: LoadedStage, imaged: Bool, pipeline: LoadedPipeline,
                  backend: any InferenceBackend) throws -> ModelReport {
        // Variants are made from, and measured against, the model's own file even when a variant runs.
        let source = model.originalPath.isEmpty ? model.path : model.originalPath
        let original: any InferenceSession = try source == model.path ? stage.session
            : backend.loadSession(path: source, name: model.name, options: model.resolvedSession)
        let dir = output ?? URL(fileURLWithPath: source).deletingLastPathComponent().path
        let fixed = stage.session.inputs.first?.shape.first ?? -1
        let batch = fixed > 0 ? fixed : self.batch
        var report = ModelReport(model: model.name, file: source, stage: imaged ? stage.spec.name : nil, batch: batch,
                                 calibrationFrames: 0, heldOutFrames: 0, clean: [:], notes: [], variants: [])
        var wanted = variants
        var frames: CalibrationFrames?
        var inputName: String?
        if imaged, case let .image(input, pre) = stage.feed, !videos.isEmpty {
            frames = try CalibrationFrames.collect(videos: videos, sampling: pipeline.spec.sampling, stage: stage.spec.name, pipeline: pipeline,
                                                   pre: pre, holdOutEvery: holdOutEvery, limit: calibrationLimit)
            inputName = input
            if case .crops = stage.spec.input {
                report.notes.append("calibrated on the crops of stage '\(stage.spec.name)': the pipeline's own upstream stages ran on the calibration videos")
            }
        } else if wanted.contains("int8") {
            wanted.removeAll { $0 == "int8" }
            report.notes.append(videos.isEmpty ? "int8 skipped: give --calibrate VIDEOS"
                                : "int8 skipped: no stage feeds this model images (tensor joins are not calibrated yet)")
        }
        guard !wanted.isEmpty else { return report }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-calibration-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        var calibrationDir: String?
        if let frames {
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            try NPYFile.write(Array(frames.calibration.map(\.values).joined()), shape: [frames.calibration.count] + frames.itemShape,
                              to: work.appendingPathComponent("input0.npy"))
            calibrationDir = work.path
            report.calibrationFrames = frames.calibration.count
            report.heldOutFrames = frames.heldOut.count
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let made = try script.make(model: source, output: dir, variants: wanted, calibration: calibrationDir)
        report.clean = made.clean
        report.notes += made.notes
        if let frames, let inputName {
            report.originalMsPerBatch = try time(original, input: inputName, frames: frames, batch: batch)
        }
        for name in variants where made.files[name] != nil {
            guard let file = made.files[name] else { continue }
            var v = VariantReport(variant: name, file: file)
            let session = try backend.loadSession(path: file, name: "\(model.name).\(name)", options: model.resolvedSession)
            if let frames, let inputName {
                v.accuracy = try VariantAccuracy.measure(original: original, variant: session, input: inputName, frames: frames.heldOut,
                                                         itemShape: frames.itemShape, batch: batch, head: stage.head)
                v.msPerBatch = try time(session, input: inputName, frames: frames, batch: batch)
            }
            report.variants.append(v)
        }
        return report
    }

    /// Median ms of one batch of held-out frames, after one warm-up run.
    func time(_ session: any InferenceSession, input: String, frames: CalibrationFrames, batch: Int) throws -> Double {
        let tensor = try BatchTensor.make(Array(frames.heldOut.prefix(batch).map(\.values)), itemShape: frames.itemShape, batch: batch)
        _ = try session.run([input: tensor])
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<max(1, timingRuns) {
            let start = clock.now
            _ = try session.run([input: tensor])
            times.append((clock.now - start).seconds * 1000)
        }
        return times.sorted()[times.count / 2]
    }
}
