import FramewiseCore

/// Builds a joined model input for one item from upstream per-item tensors (batch axis removed):
/// one tensor as it is, or several concatenated along an axis.
enum TensorJoin {
    typealias ItemTensor = (shape: [Int], values: [Float])

    /// Why tensors could not be concatenated (shapes known only at run time differ).
    struct Mismatch: Error, CustomStringConvertible {
        let description: String
    }

    /// The input for `binding` from the tensors of its sources, in order.
    static func joined(_ parts: [ItemTensor], binding: TensorBinding) throws(Mismatch) -> ItemTensor {
        guard binding.isConcat else {
            guard let only = parts.first else { throw Mismatch(description: "no tensor to bind") }
            return only
        }
        return try concatenate(parts, axis: binding.axis)
    }

    /// `parts` concatenated along `axis` of the batched model input (1 is the first axis after
    /// the batch; negative counts from the end), as numpy's `concatenate` would per item.
    static func concatenate(_ parts: [ItemTensor], axis: Int) throws(Mismatch) -> ItemTensor {
        guard let first = parts.first else { throw Mismatch(description: "no tensors to concatenate") }
        let rank = first.shape.count
        // The per-item axis: the batched input has one more axis in front.
        let p = axis < 0 ? axis + rank : axis - 1
        guard p >= 0, p < rank else { throw Mismatch(description: "axis \(axis) is outside tensors of shape [N,\(first.shape.map(String.init).joined(separator: ","))]") }
        for part in parts {
            guard part.shape.count == rank, part.values.count == part.shape.reduce(1, *),
                  zip(part.shape, first.shape).enumerated().allSatisfy({ $0.offset == p || $0.element.0 == $0.element.1 }) else {
                throw Mismatch(description: "cannot concatenate shapes \(parts.map(\.shape)) along axis \(axis)")
            }
        }
        let outer = first.shape[..<p].reduce(1, *), inner = first.shape[(p + 1)...].reduce(1, *)
        var shape = first.shape
        shape[p] = parts.reduce(0) { $0 + $1.shape[p] }
        var values: [Float] = []
        values.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            for part in parts {
                let run = part.shape[p] * inner
                values += part.values[(o * run)..<((o + 1) * run)]
            }
        }
        return (shape, values)
    }
}
