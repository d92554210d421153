import FramewiseCore

extension Preprocessor {
    /// Normalises the content rectangle of each float plane in place.
    func normalisePlanes(_ plan: PreprocessPlan, _ destination: UnsafeMutableRawPointer, a: [Float], c: [Float]) {
        let width = spec.width
        let planeCount = width * spec.height
        let tensor = destination.assumingMemoryBound(to: Float.self)
        for channel in 0..<3 {
            let scale = a[channel], shift = c[channel]
            for row in plan.contentY..<(plan.contentY + plan.contentHeight) {
                let line = tensor + channel * planeCount + row * width + plan.contentX
                for x in 0..<plan.contentWidth { line[x] = line[x] * scale + shift }
            }
        }
    }

    /// Interleaves libswscale's float planes (G, B, R) into the NHWC content rectangle, normalising on the way.
    /// `order` gives the model channel of R, G and B.
    func interleave(_ plan: PreprocessPlan, from scratch: UnsafeMutableRawPointer, gbr: (r: Int, g: Int, b: Int),
                    order: (r: Int, g: Int, b: Int), into destination: UnsafeMutableRawPointer, a: [Float], c: [Float]) {
        let w = plan.contentWidth, h = plan.contentHeight
        let planes = scratch.assumingMemoryBound(to: Float.self)
        let red = planes + gbr.r * w * h, green = planes + gbr.g * w * h, blue = planes + gbr.b * w * h
        let tensor = destination.assumingMemoryBound(to: Float.self)
        for row in 0..<h {
            let out = tensor + ((plan.contentY + row) * spec.width + plan.contentX) * 3
            let base = row * w
            for x in 0..<w {
                out[3 * x + order.r] = red[base + x] * a[order.r] + c[order.r]
                out[3 * x + order.g] = green[base + x] * a[order.g] + c[order.g]
                out[3 * x + order.b] = blue[base + x] * a[order.b] + c[order.b]
            }
        }
    }

    /// Writes the letterbox pad value (in output units) everywhere outside the content rectangle.
    func fillPadding(_ plan: PreprocessPlan, _ destination: UnsafeMutableRawPointer) {
        guard let pad = spec.resize.letterboxPad, plan.hasPadding(width: spec.width, height: spec.height) else { return }
        let (planes, perPixel) = spec.layout == .nchw ? (3, 1) : (1, 3)
        let planeCount = spec.width * spec.height * perPixel
        if spec.elementType == .float32 {
            let tensor = destination.assumingMemoryBound(to: Float.self)
            for p in 0..<planes { fillOutside(plan, tensor + p * planeCount, perPixel: perPixel, value: pad) }
        } else {
            let value = UInt8(clamping: Int(pad.rounded()))
            let tensor = destination.assumingMemoryBound(to: UInt8.self)
            for p in 0..<planes { fillOutside(plan, tensor + p * planeCount, perPixel: perPixel, value: value) }
        }
    }

    private func fillOutside<T>(_ plan: PreprocessPlan, _ plane: UnsafeMutablePointer<T>, perPixel: Int, value: T) {
        let rowCount = spec.width * perPixel
        for row in 0..<spec.height {
            let line = plane + row * rowCount
            guard row >= plan.contentY, row < plan.contentY + plan.contentHeight else {
                line.update(repeating: value, count: rowCount)
                continue
            }
            line.update(repeating: value, count: plan.contentX * perPixel)
            let end = (plan.contentX + plan.contentWidth) * perPixel
            (line + end).update(repeating: value, count: rowCount - end)
        }
    }

    /// Turns the content rectangle by 180 degrees in place (padding stays where the anchor put it).
    func rotateContent(_ plan: PreprocessPlan, _ destination: UnsafeMutableRawPointer) {
        let element = spec.elementType.byteSize
        let (planes, perPixel) = spec.layout == .nchw ? (3, 1) : (1, 3)
        let planeBytes = spec.width * spec.height * perPixel * element
        for p in 0..<planes {
            let base = destination + p * planeBytes
            if element == 4 {
                rotate(plan, base.assumingMemoryBound(to: Float.self), perPixel: perPixel)
            } else {
                rotate(plan, base.assumingMemoryBound(to: UInt8.self), perPixel: perPixel)
            }
        }
    }

    private func rotate<T>(_ plan: PreprocessPlan, _ plane: UnsafeMutablePointer<T>, perPixel: Int) {
        let w = plan.contentWidth, count = w * plan.contentHeight
        let rowCount = spec.width * perPixel
        func at(_ k: Int) -> UnsafeMutablePointer<T> {
            plane + (plan.contentY + k / w) * rowCount + (plan.contentX + k % w) * perPixel
        }
        for k in 0..<(count / 2) {
            let p = at(k), q = at(count - 1 - k)
            for ch in 0..<perPixel { swap(&p[ch], &q[ch]) }
        }
    }
}
