/// The span names and attribute keys of a video's trace, shared by the engine that writes traces
/// and the report that reads them.
public enum TraceVocabulary {
    /// The root span: from the video's arrival to its result.
    public static let video = "video"
    /// Waiting at admission (arrival to admitted).
    public static let admission = "admission"
    /// Fetching a URL input (when there is one).
    public static let download = "download"
    /// Decoding and sampling the video's frames.
    public static let decode = "decode"
    /// One stage batch that held frames of this video: "stage <name>".
    public static func stage(_ name: String) -> String { "stage \(name)" }
    /// Building the result from the frames' outputs.
    public static let assemble = "assemble"

    /// Attribute keys.
    public enum Key {
        public static let videoIndex = "framewise.video.index"
        /// SHA-256 of the video's path (hex, 16 digits): no paths in traces.
        public static let videoPathHash = "framewise.video.path_hash"
        public static let videoStatus = "framewise.video.status"
        public static let pipeline = "framewise.pipeline"
        public static let stage = "framewise.stage"
        public static let model = "framewise.model"
        public static let batchID = "framewise.batch.id"
        /// Items in the whole batch (every video's).
        public static let batchSize = "framewise.batch.size"
        /// This video's items in the batch.
        public static let batchVideoItems = "framewise.batch.video_items"
        /// This video's frames in the batch.
        public static let batchVideoFrames = "framewise.batch.video_frames"
        /// Longest wait of this video's frames in the stage's queue before the batch started, ms.
        public static let queueWaitMs = "framewise.queue_wait_ms"
        public static let preprocessMs = "framewise.preprocess_ms"
        public static let inferenceMs = "framewise.inference_ms"
        public static let postprocessMs = "framewise.postprocess_ms"
        public static let framesDecoded = "framewise.decode.frames_decoded"
        public static let framesSampled = "framewise.decode.frames_sampled"
    }

    /// The path's hash as traces carry it.
    public static func pathHash(_ path: String) -> String { String(SHA256.hex(of: Array(path.utf8)).prefix(16)) }
}
