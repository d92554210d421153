import FramewiseCore

/// Reads what the index needs from one video's results: each frame's class scores and feature
/// vector, from the raw outputs of the index pipeline's stage.
public enum FrameOutputs {
    /// The video's frames (in time order) with their top-K (the specialised head's, OTHER included,
    /// when the index has one) and normalised features.
    public static func frames(of result: VideoResult, settings: IndexSettings) throws(IndexError) -> [IndexedFrame] {
        try result.frames.sorted { $0.time < $1.time || ($0.time == $1.time && $0.index < $1.index) }.map { frame throws(IndexError) in
            guard let field = settings.stage.map({ s in frame.outputs.first { $0.key == s } }) ?? frame.outputs.first else {
                throw .missingOutput(video: result.video, stage: settings.stage ?? "<first>", output: settings.scoresOutput,
                                     available: frame.outputs.map(\.key))
            }
            let scores = try vector(field.value, settings.scoresOutput, video: result.video, stage: field.key)
            let features = try vector(field.value, settings.featuresOutput, video: result.video, stage: field.key)
            let feature = FeatureVector.normalized(features)
            let topK = settings.specialization.map { $0.head.topK(feature, k: settings.topK, keepOther: true) }
                ?? TopK.select(scores, k: settings.topK, softmax: settings.softmax)
            return IndexedFrame(sampleIndex: frame.index, sourceIndex: frame.sourceIndex, time: frame.time, topK: topK, feature: feature)
        }
    }

    static func vector(_ value: JSONValue, _ name: String, video: String, stage: String) throws(IndexError) -> [Float] {
        guard case let .array(items)? = value[name] else {
            var available: [String] = []
            if case let .object(fields) = value { available = fields.map(\.key) }
            throw .missingOutput(video: video, stage: stage, output: name, available: available)
        }
        return items.map { Float($0.number ?? 0) }
    }

    /// Seconds a video's run spent: decoding plus every stage's preprocess, inference and post-process.
    public static func cost(of result: VideoResult) -> Double {
        result.stats.decodeSeconds + result.stats.stages.values.reduce(0) { $0 + $1.preprocessSeconds + $1.inferenceSeconds + $1.postprocessSeconds }
    }
}
