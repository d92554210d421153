import FramewiseCore

/// CTC greedy decoding of a [T, C] sequence: argmax per step, merge repeats, drop blanks,
/// map classes 1... to characters. The score is the mean probability of the kept steps; a line
/// scoring below `minScore` reads as no text.
public struct CTCHead: Sendable {
    /// Characters for classes 1..., after any appended space.
    public let characters: [String]
    public let blank: Int
    public let minScore: Float

    public init(spec: CTCSpec, metadata: [String: String]) throws(PostprocessError) {
        var chars: [String]
        if let given = spec.characters {
            chars = given
        } else if let text = metadata[spec.metadataKey] {
            chars = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if chars.last == "" { chars.removeLast() }
        } else {
            throw PostprocessError(head: "ctc", message: "no characters given and the model has no metadata key '\(spec.metadataKey)'")
        }
        if spec.appendSpace { chars.append(" ") }
        self.characters = chars
        self.blank = spec.blank
        self.minScore = spec.minScore
    }

    public func apply(_ item: ItemOutputs) throws(PostprocessError) -> HeadResult {
        guard let out = item.tensors.first, out.shape.count == 2 else {
            throw PostprocessError(head: "ctc", message: "expected an output [T, classes], got \(item.tensors.first?.shape ?? [])")
        }
        let steps = out.shape[0], classes = out.shape[1]
        var text = ""
        var scores: [Float] = []
        var previous = -1
        for t in 0..<steps {
            var best = 0, bestScore = -Float.infinity
            for c in 0..<classes where out.values[t * classes + c] > bestScore {
                bestScore = out.values[t * classes + c]
                best = c
            }
            defer { previous = best }
            guard best != blank, best != previous else { continue }
            let index = best > blank ? best - 1 : best
            if index < characters.count { text += characters[index] }
            scores.append(bestScore)
        }
        let score = scores.isEmpty ? 0 : scores.reduce(0, +) / Float(scores.count)
        return HeadResult(json: .object(["text": .string(score < minScore ? "" : text), "score": .number(Double(score))]))
    }
}
