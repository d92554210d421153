import FramewiseCore

/// Focus' specialisation at ingest: the ground truth labels every `every`-th frame of the cheap
/// model's run, and a softmax head on the cheap model's features learns the `keep` most frequent
/// labels plus OTHER. Seeded by nothing: training is deterministic (`SoftmaxRegression`).
public enum IndexSpecializer {
    /// The training sample: every `every`-th frame of `results` (ok videos, in order), with its feature.
    public static func sample(_ results: [VideoResult], settings: IndexSettings, every: Int) throws(IndexError) -> [(ref: FrameRef, feature: [Float])] {
        var generic = settings
        generic.specialization = nil
        var out: [(ref: FrameRef, feature: [Float])] = []
        var n = 0
        for result in results where result.status == .ok {
            for frame in try FrameOutputs.frames(of: result, settings: generic) {
                defer { n += 1 }
                guard n % max(1, every) == 0 else { continue }
                let ref = FrameRef(frameID: Int64(out.count), video: result.video, sampleIndex: frame.sampleIndex,
                                   sourceIndex: frame.sourceIndex, time: frame.time, clusterID: 0)
                out.append((ref, frame.feature))
            }
        }
        return out
    }

    /// Labels the sample with `groundTruth` and trains the head. Frames whose label is not a class
    /// id of the ground truth's label space are left out.
    public static func train(_ results: [VideoResult], settings: IndexSettings, groundTruth: GroundTruthRunner, keep: Int, every: Int,
                             configuration: SoftmaxRegression.Configuration = .init()) async throws -> IndexSpecialization {
        let sample = try sample(results, settings: settings, every: every)
        guard !sample.isEmpty else { throw IndexError.groundTruth("no frames to train the specialised head on") }
        let (labels, seconds) = try await groundTruth.labels(for: sample.map(\.ref))
        var features: [[Float]] = [], classes: [Int] = []
        for s in sample {
            guard let id = labels[s.ref.frameID]?.classID else { continue }
            features.append(s.feature)
            classes.append(id)
        }
        guard !features.isEmpty else { throw IndexError.groundTruth("the ground truth gave no class ids for the \(sample.count) training frames") }
        let head = SpecializedHead(features: features, labels: classes, keep: keep, configuration: configuration)
        return IndexSpecialization(head: head, groundTruth: groundTruth.key, trainFrames: features.count, groundTruthSeconds: seconds)
    }
}
