import FramewiseCore
import FramewisePostprocess

/// The input sizes the tuner tries for a model besides the written one: each factor times the
/// written size, rounded down to a multiple of 32, on the axes the model leaves free. A text
/// recogniser (CTC head) keeps its height, the one it was trained at, and varies its width only.
public enum InputSizeCandidates {
    /// Which image axes may change: both when height and width are free, the width alone when only
    /// it is free or the head reads text. Nil: neither (a fixed-size model).
    public static func resizableAxes(_ shape: [Int], layout: TensorLayout, head: Head) -> (width: Bool, height: Bool)? {
        guard shape.count == 4 else { return nil }
        let (h, w) = layout == .nchw ? (2, 3) : (1, 2)
        guard shape[w] <= 0 else { return nil }
        if case .ctc = head { return (true, false) }
        return (true, shape[h] <= 0)
    }

    /// [width, height] candidates other than `written`, in the order of `factors`, without repeats.
    public static func sizes(written: [Int], shape: [Int], layout: TensorLayout, head: Head, factors: [Double]) -> [[Int]] {
        guard written.count == 2, let axes = resizableAxes(shape, layout: layout, head: head) else { return [] }
        var out: [[Int]] = []
        for f in factors where f != 1 && f > 0 {
            let size = [axes.width ? round32(Double(written[0]) * f) : written[0],
                        axes.height ? round32(Double(written[1]) * f) : written[1]]
            if size != written, !out.contains(size) { out.append(size) }
        }
        return out
    }

    /// The dynamic-width multiple to try (32), or nil: only for a text recogniser (CTC head) with a
    /// free width axis whose batches are letterboxed at a fixed width as written.
    public static func dynamicWidth(written: PreprocessSpec, shape: [Int], head: Head) -> Int? {
        guard case .ctc = head, written.dynamicWidth == nil, written.resize.letterboxesIntoTarget,
              resizableAxes(shape, layout: written.layout, head: head)?.width == true else { return nil }
        return 32
    }

    /// The dynamic-size multiple to try (32), or nil: for a model fed letterboxed images with both
    /// spatial axes free that does not read text (a detector on whole frames), as written at a fixed
    /// size. Every item keeps its scale and pixels; only the letterbox's padding shrinks.
    public static func dynamicSize(written: PreprocessSpec, shape: [Int], head: Head) -> Int? {
        if case .ctc = head { return nil }
        guard written.dynamicWidth == nil, written.dynamicHeight == nil, written.resize.letterboxesIntoTarget,
              let axes = resizableAxes(shape, layout: written.layout, head: head), axes.width, axes.height else { return nil }
        return 32
    }

    /// Down to a multiple of 32, at least 32.
    static func round32(_ v: Double) -> Int { max(32, Int(v / 32) * 32) }
}
