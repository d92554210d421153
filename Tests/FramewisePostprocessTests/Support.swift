import FramewiseCore
import FramewisePostprocess
import Testing

/// Model-input pixels are frame pixels (no clamping in practice).
let identity = ImageTransform(scaleX: 1, scaleY: 1, sourceWidth: 10_000, sourceHeight: 10_000)

func approx(_ a: Double, _ b: Double, tolerance: Double = 1e-4) -> Bool { abs(a - b) <= tolerance }
func approx(_ a: Float, _ b: Float, tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance }

/// Checks a detection's corners against hand-computed ones.
func expectBox(_ d: Detection, _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
               tolerance: Double = 1e-3, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let ok = approx(d.x1, x1, tolerance: tolerance) && approx(d.y1, y1, tolerance: tolerance)
        && approx(d.x2, x2, tolerance: tolerance) && approx(d.y2, y2, tolerance: tolerance)
    #expect(ok, "box (\(d.x1), \(d.y1), \(d.x2), \(d.y2)) != expected (\(x1), \(y1), \(x2), \(y2))", sourceLocation: sourceLocation)
}

func item(_ tensors: (String, [Int], [Float])...) -> ItemOutputs {
    ItemOutputs(tensors: tensors.map { (name: $0.0, shape: $0.1, values: $0.2) })
}
