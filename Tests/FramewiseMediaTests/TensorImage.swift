import FramewiseCore
import FramewiseMedia

/// A preprocessed image read back as floats in planar (c, y, x) order, whatever the spec's layout,
/// with the channel order turned back to RGB, for comparison with the RGB references.
struct TensorImage {
    let width: Int
    let height: Int
    /// Planar RGB values in the spec's output units.
    let values: [Float]
    let transform: ImageTransform

    static func process(_ frame: VideoFrame, spec: PreprocessSpec, crop: Rect? = nil, rotate180: Bool = false) throws -> TensorImage {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: spec.itemByteCount, alignment: 64)
        defer { buffer.deallocate() }
        let transform = try Preprocessor(spec: spec).process(frame, crop: crop, rotate180: rotate180, into: buffer)
        let w = spec.width, h = spec.height
        var values = [Float](repeating: 0, count: 3 * w * h)
        for c in 0..<3 {
            let modelChannel = spec.channelOrder == .rgb ? c : 2 - c
            for i in 0..<(w * h) {
                let index = spec.layout == .nchw ? modelChannel * w * h + i : 3 * i + modelChannel
                values[c * w * h + i] = spec.elementType == .float32
                    ? buffer.load(fromByteOffset: 4 * index, as: Float.self)
                    : Float(buffer.load(fromByteOffset: index, as: UInt8.self))
            }
        }
        return TensorImage(width: w, height: h, values: values, transform: transform)
    }

    func at(c: Int, y: Int, x: Int) -> Float { values[(c * height + y) * width + x] }

    /// All channels' values in the given rows.
    func values(rows: Range<Int>) -> [Float] {
        (0..<3).flatMap { c in rows.flatMap { y in (0..<width).map { at(c: c, y: y, x: $0) } } }
    }

    func region(x: Int, y: Int, width w: Int, height h: Int) -> TensorImage {
        var out: [Float] = []
        for c in 0..<3 { for row in y..<(y + h) { for col in x..<(x + w) { out.append(at(c: c, y: row, x: col)) } } }
        return TensorImage(width: w, height: h, values: out, transform: transform)
    }

    /// Errors in 8-bit steps against an H x W x 3 RGB reference in 0...255 (normalised with the spec first).
    func stepErrors(against reference: [Float], spec: PreprocessSpec) -> [Float] {
        var errors: [Float] = []
        errors.reserveCapacity(values.count)
        for c in 0..<3 {
            let modelChannel = spec.channelOrder == .rgb ? c : 2 - c
            for i in 0..<(width * height) {
                let ref = reference[3 * i + c]
                let got = at(c: c, y: i / width, x: i % width)
                if spec.elementType == .uint8 {
                    errors.append(abs(got - ref))
                } else {
                    // Back to 0...255 units: pixel = (out * std + mean) / scale.
                    let pixel = (got * spec.std[modelChannel] + spec.mean[modelChannel]) / spec.scale
                    errors.append(abs(pixel - ref))
                }
            }
        }
        return errors
    }

    func maxStepError(against reference: [Float], spec: PreprocessSpec) -> Float {
        stepErrors(against: reference, spec: spec).max() ?? .infinity
    }

    func stepErrorStatistics(against reference: [Float], spec: PreprocessSpec) -> (mean: Float, p99: Float) {
        let errors = stepErrors(against: reference, spec: spec).sorted()
        guard !errors.isEmpty else { return (.infinity, .infinity) }
        let mean = errors.reduce(0, +) / Float(errors.count)
        return (mean, errors[min(errors.count - 1, errors.count * 99 / 100)])
    }
}
