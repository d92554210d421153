import FramewiseCore
import FramewisePostprocess

/// How one variant's outputs differ from the original model's on held-out frames.
public struct VariantAccuracy: Sendable, Codable, Equatable {
    public var frames = 0
    /// Over every raw output value.
    public var maxAbsDelta = 0.0
    public var meanAbsDelta = 0.0
    /// Mean |value| of the original's raw outputs, the scale `meanAbsDelta` is read against.
    public var meanAbsOriginal = 0.0
    /// Classify heads: |Δscore| over every label, and how often the top label is the same.
    public var meanAbsScoreDelta: Double?
    public var maxAbsScoreDelta: Double?
    public var decisionAgreement: Double?
    /// Detection heads: F1 of boxes matched at IoU 0.5 (1 when both find none), and how often the counts agree.
    public var detectionF1: Double?
    public var countAgreement: Double?
    /// CTC heads: how often the text read is exactly the same.
    public var textMatchRate: Double?
    /// How often a frame's whole head output agrees (`OutputAgreement.frameAgrees`): what the tuner's floor is checked against.
    public var agreement: Double?

    /// Compares `variant` with `original` on `frames`, run in batches of `batch`, through `head`.
    /// With `variantFrames` (the same frames preprocessed at another input size, shape
    /// `variantItemShape`) the variant runs on those: raw outputs are then not compared, heads are
    /// (their boxes are in frame pixels either way). `variantBatchShapes`: the item shape of each
    /// batch of `variantFrames` when it differs per batch (a dynamic width).
    public static func measure(original: any InferenceSession, variant: any InferenceSession, input: String,
                               frames: [PreparedFrame], itemShape: [Int], batch: Int, head: Head,
                               variantFrames: [PreparedFrame]? = nil, variantItemShape: [Int]? = nil,
                               variantBatchShapes: [[Int]]? = nil) throws -> VariantAccuracy {
        var result = VariantAccuracy()
        var sumAbs = 0.0, sumOriginal = 0.0, values = 0, broken = false
        var scoreSum = 0.0, scoreCount = 0, scoreMax = 0.0, agree = 0
        var f1Sum = 0.0, countsAgree = 0, detecting = false, classifying = false
        var texts = 0, textsAlike = 0, framesAgree = 0
        if let variantFrames, variantFrames.count != frames.count {
            throw OptimizeError("\(variantFrames.count) variant frames for \(frames.count) original frames")
        }
        for start in stride(from: 0, to: frames.count, by: batch) {
            let range = start..<min(start + batch, frames.count)
            let chunk = Array(frames[range])
            let variantChunk = variantFrames.map { Array($0[range]) } ?? chunk
            let tensor = try BatchTensor.make(chunk.map(\.values), itemShape: itemShape, batch: batch)
            let batchShape = variantBatchShapes.flatMap { start / batch < $0.count ? $0[start / batch] : nil }
            let variantTensor = variantFrames == nil ? tensor
                : try BatchTensor.make(variantChunk.map(\.values), itemShape: batchShape ?? variantItemShape ?? itemShape, batch: batch)
            let a = try ordered(original, try original.run([input: tensor]))
            let b = try ordered(variant, try variant.run([input: variantTensor]))
            guard a.count == b.count else { throw OptimizeError("the variant has \(b.count) outputs, the original \(a.count)") }
            for (x, y) in zip(a, b) where variantFrames == nil {
                let xs = x.tensor.floats(), ys = y.tensor.floats()
                guard xs.count == ys.count else {
                    throw OptimizeError("output '\(x.name)' has \(ys.count) values in the variant, \(xs.count) in the original")
                }
                // Only the real frames of a padded batch count.
                let used = xs.count / batch * chunk.count
                for i in 0..<used {
                    let d = Double(abs(xs[i] - ys[i]))
                    sumOriginal += Double(abs(xs[i]))
                    if d.isFinite {
                        result.maxAbsDelta = max(result.maxAbsDelta, d)
                        sumAbs += d
                    } else {
                        broken = true
                    }
                }
                values += used
            }
            let itemsA = ItemOutputs.split(a, batch: batch), itemsB = ItemOutputs.split(b, batch: batch)
            for (i, frame) in chunk.enumerated() {
                let ra = try head.apply(itemsA[i], transform: frame.transform)
                let rb = try head.apply(itemsB[i], transform: variantChunk[i].transform)
                if OutputAgreement.frameAgrees(ra.json, rb.json) { framesAgree += 1 }
                switch head {
                case .classify:
                    classifying = true
                    let sa = scores(ra.json), sb = scores(rb.json)
                    for (label, s) in sa { if let t = sb[label] { let d = abs(s - t); scoreSum += d; scoreCount += 1; scoreMax = max(scoreMax, d) } }
                    if ra.topLabel?.label == rb.topLabel?.label { agree += 1 }
                case .centerFace, .yolo, .textBoxes:
                    detecting = true
                    f1Sum += f1(ra.detections, rb.detections)
                    if ra.detections.count == rb.detections.count { countsAgree += 1 }
                case .ctc:
                    texts += 1
                    if ra.json["text"] == rb.json["text"] { textsAlike += 1 }
                case .raw:
                    break
                }
            }
            result.frames += chunk.count
        }
        result.meanAbsDelta = values > 0 ? sumAbs / Double(values) : 0
        result.meanAbsOriginal = values > 0 ? sumOriginal / Double(values) : 0
        if broken {  // NaN or infinite outputs: the largest finite value, which JSON can hold
            result.maxAbsDelta = .greatestFiniteMagnitude
            result.meanAbsDelta = .greatestFiniteMagnitude
        }
        let n = Double(max(1, result.frames))
        if classifying {
            result.meanAbsScoreDelta = scoreCount > 0 ? scoreSum / Double(scoreCount) : 0
            result.maxAbsScoreDelta = scoreMax
            result.decisionAgreement = Double(agree) / n
        }
        if detecting {
            result.detectionF1 = f1Sum / n
            result.countAgreement = Double(countsAgree) / n
        }
        if texts > 0 { result.textMatchRate = Double(textsAlike) / Double(texts) }
        result.agreement = Double(framesAgree) / n
        return result
    }

    static func ordered(_ session: any InferenceSession, _ raw: [String: Tensor]) throws -> [(name: String, tensor: Tensor)] {
        try session.outputs.map { info in
            guard let t = raw[info.name] else { throw OptimizeError("model '\(session.modelName)' returned no output '\(info.name)'") }
            return (info.name, t)
        }
    }

    static func scores(_ json: JSONValue) -> [String: Double] {
        guard case let .object(fields)? = json["scores"] else { return [:] }
        var out: [String: Double] = [:]
        for field in fields { if let n = field.value.number { out[field.key] = n } }
        return out
    }

    /// F1 of `b` against `a`, boxes matched greedily (best IoU first) at IoU >= 0.5 with the same label.
    public static func f1(_ a: [Detection], _ b: [Detection]) -> Double {
        if a.isEmpty && b.isEmpty { return 1 }
        var pairs: [(iou: Double, i: Int, j: Int)] = []
        for (i, x) in a.enumerated() {
            for (j, y) in b.enumerated() where x.label == y.label {
                let iou = x.iou(y)
                if iou >= 0.5 { pairs.append((iou, i, j)) }
            }
        }
        var usedA = Set<Int>(), usedB = Set<Int>(), matched = 0
        for p in pairs.sorted(by: { $0.iou > $1.iou }) where !usedA.contains(p.i) && !usedB.contains(p.j) {
            usedA.insert(p.i)
            usedB.insert(p.j)
            matched += 1
        }
        return 2 * Double(matched) / Double(a.count + b.count)
    }
}

/// A float32 batch tensor from item values; a short batch is padded by repeating its last item.
enum BatchTensor {
    static func make(_ items: [[Float]], itemShape: [Int], batch: Int) throws -> Tensor {
        guard let last = items.last else { throw OptimizeError("no frames to batch") }
        var values: [Float] = []
        values.reserveCapacity(last.count * batch)
        for i in 0..<batch { values += i < items.count ? items[i] : last }
        return try Tensor.float32(shape: [batch] + itemShape, values: values)
    }
}
