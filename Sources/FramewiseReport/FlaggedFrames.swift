import FramewiseCore

/// A box to draw on a thumbnail, in frame pixels.
public struct FrameBox: Sendable, Equatable {
    public var stage: String
    public var x1: Double, y1: Double, x2: Double, y2: Double
    /// Text to show with the box (e.g. recognised text), if any.
    public var label: String?
    public init(stage: String, x1: Double, y1: Double, x2: Double, y2: Double, label: String? = nil) {
        self.stage = stage
        self.x1 = x1
        self.y1 = y1
        self.x2 = x2
        self.y2 = y2
        self.label = label
    }
}

/// A frame worth looking at, why, and the boxes found on it.
public struct FlaggedFrame: Sendable, Equatable {
    /// Position in the video's `frames`.
    public var position: Int
    /// Presentation time, seconds.
    public var time: Double
    public var reasons: [String]
    public var boxes: [FrameBox]
}

/// Picks the frames of a video to show: for every classifier (an output with `scores`), the frame
/// with the highest score of its last label (moderation: the most NSFW frame); then frames where a
/// stage found boxes (faces, text), most boxes first. Every box of a picked frame is kept.
public enum FlaggedFrames {
    static let reserved: Set<String> = ["index", "time", "late"]

    public static func pick(_ video: ReportVideo, limit: Int = 4) -> [FlaggedFrame] {
        // Highest score of each classifier's last label.
        var best: [String: (position: Int, label: String, score: Double)] = [:]
        var stageOrder: [String] = []
        for (p, frame) in video.frames.enumerated() {
            for (stage, output) in outputs(frame) {
                guard case let .object(scores)? = output["scores"], scores.count >= 2, let last = scores.last, let score = last.value.number else { continue }
                if best[stage] == nil { stageOrder.append(stage) }
                if best[stage].map({ score > $0.score }) ?? true { best[stage] = (p, last.key, score) }
            }
        }
        var order: [Int] = []
        for stage in stageOrder { if let b = best[stage], !order.contains(b.position) { order.append(b.position) } }
        // Then frames with boxes, most first (ties: earlier first).
        let boxCounts = video.frames.indices.map { boxes(video.frames[$0]).count }
        for p in video.frames.indices.filter({ boxCounts[$0] > 0 }).sorted(by: { (boxCounts[$0], -$0) > (boxCounts[$1], -$1) })
            where !order.contains(p) {
            order.append(p)
        }
        return order.prefix(limit).map { p in
            var reasons = stageOrder.compactMap { stage in best[stage].flatMap { $0.position == p ? "highest \($0.label) \(Markup.number($0.score))" : nil } }
            let found = boxes(video.frames[p])
            var perStage: [String: Int] = [:]
            for box in found { perStage[box.stage, default: 0] += 1 }
            reasons += perStage.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value) box\($0.value == 1 ? "" : "es")" }
            return FlaggedFrame(position: p, time: video.frames[p]["time"]?.number ?? 0, reasons: reasons, boxes: found)
        }
    }

    /// The stage outputs of a frame (everything but index, time and late).
    static func outputs(_ frame: JSONValue) -> [(String, JSONValue)] {
        guard case let .object(fields) = frame else { return [] }
        return fields.filter { !reserved.contains($0.key) }.map { ($0.key, $0.value) }
    }

    /// Every box of a frame: `boxes` of detector outputs, and `box` of each crop of a crop stage
    /// (labelled with its `text` when it has one). A crop box found by several stages is kept once.
    public static func boxes(_ frame: JSONValue) -> [FrameBox] {
        var found: [FrameBox] = []
        for (stage, output) in outputs(frame) {
            if case let .array(items)? = output["boxes"] {
                found += items.compactMap { box(stage, $0) }
            } else if case let .array(items) = output {
                for item in items {
                    guard var b = box(stage, item) else { continue }
                    if case let .string(text)? = item["text"] { b.label = text }
                    if let i = found.firstIndex(where: { $0.x1 == b.x1 && $0.y1 == b.y1 && $0.x2 == b.x2 && $0.y2 == b.y2 }) {
                        if b.label != nil { found[i].label = b.label }
                    } else {
                        found.append(b)
                    }
                }
            }
        }
        return found
    }

    private static func box(_ stage: String, _ item: JSONValue) -> FrameBox? {
        guard case let .array(c)? = item["box"], c.count == 4 else { return nil }
        let v = c.compactMap(\.number)
        guard v.count == 4 else { return nil }
        return FrameBox(stage: stage, x1: v[0], y1: v[1], x2: v[2], y2: v[3])
    }
}
