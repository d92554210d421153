import FramewiseCore
@testable import FramewiseMedia
import Testing

/// The sampling state machine on its own, with hand-made timestamps.
@Suite struct FrameSamplerTests {
    static func run(_ policy: SamplingPolicy, times: [Double], keys: Set<Int> = [], duration: Double? = nil) -> [Int] {
        guard var sampler = FrameSampler(policy: policy, duration: duration) else { return [-1] }
        var taken = times.indices.filter { sampler.offer(time: times[$0], isKeyframe: keys.contains($0)) }
        if sampler.finish() { taken.append(times.count - 1) }
        return taken
    }

    @Test func fpsTakesTheFirstFrameAtOrAfterEachTick() {
        // 10 fps with a gap from 0.3 s to 1.25 s: ticks 0.5 and 1.0 both fall in the gap, the frame after serves once.
        let times = [0, 0.1, 0.2, 0.3, 1.25, 1.35, 1.45, 1.55]
        #expect(Self.run(.fps(2), times: times) == [0, 4, 7])
    }

    @Test func fpsToleratesTimeBaseRounding() {
        let times = (0..<10).map { Double($0) * 0.2 - 1e-9 }  // 0.2 s steps stored slightly early
        #expect(Self.run(.fps(5), times: times) == Array(0..<10))
    }

    @Test func uniformServesTargetsPastTheLastFrameWithTheLastFrame() {
        let times = (0..<4).map { Double($0) }  // frames at 0, 1, 2, 3; duration 8 s claims more
        #expect(Self.run(.uniform(2), times: times, duration: 8) == [2, 3])  // targets 2 s and 6 s
        #expect(Self.run(.uniform(3), times: times, duration: nil) == [0])  // unknown duration: targets at 0
    }

    @Test func keyframesAndEveryNth() {
        let times = (0..<10).map(Double.init)
        #expect(Self.run(.keyframes, times: times, keys: [0, 5]) == [0, 5])
        #expect(Self.run(.everyNth(4), times: times) == [0, 4, 8])
    }

    @Test(arguments: [SamplingPolicy.fps(.nan), .fps(.infinity), .everyNth(-2), .uniform(-1)])
    func invalidParameters(policy: SamplingPolicy) {
        #expect(FrameSampler(policy: policy, duration: 1) == nil)
    }
}

/// Preprocessing geometry and the transforms it returns, without FFmpeg.
@Suite struct PreprocessPlanTests {
    @Test func letterboxCropRoundTrip() throws {
        let spec = PreprocessSpec(width: 100, height: 32, resize: .letterbox(anchor: .topLeft, pad: 0))
        let crop = Rect(x: 200, y: 100, width: 300, height: 60)
        let plan = try #require(PreprocessPlan(frameWidth: 1280, frameHeight: 720, crop: crop, spec: spec, alignX: 2, alignY: 2))
        #expect(plan.contentWidth == 100 && plan.contentHeight == 20)
        let t = plan.transform
        #expect(near(t.toSource(x: 0, y: 0), (200, 100)) && near(t.toSource(x: 100, y: 20), (500, 160)))
        // Model point -> source -> model again.
        let p = t.toSource(x: 37, y: 11)
        #expect(abs((p.x - t.originX) * t.scaleX + t.offsetX - 37) < 1e-9 && abs((p.y - t.originY) * t.scaleY + t.offsetY - 11) < 1e-9)
    }

    @Test func cropIsClampedAndSnappedToTheChromaGrid() throws {
        let spec = PreprocessSpec(width: 10, height: 10)
        let plan = try #require(PreprocessPlan(frameWidth: 64, frameHeight: 48, crop: Rect(x: -5, y: 45.5, width: 13, height: 9),
                                               spec: spec, alignX: 2, alignY: 2))
        #expect(plan.sourceX == 0 && plan.sourceY == 44 && plan.sourceWidth == 8 && plan.sourceHeight == 4)
        #expect(PreprocessPlan(frameWidth: 64, frameHeight: 48, crop: Rect(x: 70, y: 0, width: 5, height: 5), spec: spec) == nil)
    }

    @Test func rotatedTransformMirrorsTheUpright() throws {
        let spec = PreprocessSpec(width: 50, height: 50, resize: .letterbox(anchor: .center, pad: 0))
        let up = try #require(PreprocessPlan(frameWidth: 200, frameHeight: 100, crop: nil, spec: spec))
        let turned = try #require(PreprocessPlan(frameWidth: 200, frameHeight: 100, crop: nil, spec: spec, rotate180: true))
        // Content 50x25 at y = 12: input (x, y) rotated is input (50 - x, 12 + 37 - y) upright.
        #expect(near(turned.transform.toSource(x: 5, y: 15), up.transform.toSource(x: 45, y: 34)))
    }
}
