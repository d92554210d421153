@testable import FramewiseRuntime
import Testing

/// Admission as a pure state machine, driven with made-up times.
@Suite struct AdmissionControllerTests {
    @Test func closedLoopAdmitsTheNextWhenOneFinishes() {
        var a = AdmissionController(maxInFlight: 2)
        #expect(a.arrived(0, now: 0).map(\.video) == [0])
        #expect(a.arrived(1, now: 0).map(\.video) == [1])
        #expect(a.arrived(2, now: 0).isEmpty, "two in flight: the third waits")
        #expect(a.arrived(3, now: 0).isEmpty)
        #expect(a.waitingCount == 2)
        let next = a.finished(1, now: 2.5)
        #expect(next == [.init(video: 2, arrivedAt: 0, admittedAt: 2.5)], "in arrival order, waiting time recorded")
        #expect(next.first?.waited == 2.5)
        #expect(a.finished(0, now: 3).map(\.video) == [3])
        #expect(a.inFlight == [2, 3])
    }

    @Test func openLoopArrivalsAtLightLoadNeverWait() {
        var a = AdmissionController(maxInFlight: 4, frameBudget: 32)
        for (video, t) in [0.0, 1.0, 2.0, 3.0].enumerated() {
            let admitted = a.arrived(video, now: t)
            #expect(admitted.map(\.waited) == [0])
            _ = a.frames(10, now: t + 0.1)
            _ = a.frames(-10, now: t + 0.5)
            _ = a.finished(video, now: t + 0.6)
        }
        #expect(a.inFlight.isEmpty && a.waitingCount == 0)
        #expect(a.peakFrames == 10)
    }

    @Test func aFullPipelineHoldsNewVideosAtAdmission() {
        var a = AdmissionController(maxInFlight: 8, frameBudget: 16)
        #expect(a.arrived(0, now: 0).count == 1)
        _ = a.frames(16, now: 0.1)
        #expect(a.arrived(1, now: 0.2).isEmpty, "the stages hold their budget: wait")
        #expect(a.frames(-1, now: 0.3).map(\.video) == [1], "room again: admitted")
        _ = a.frames(1, now: 0.35)
        #expect(a.arrived(2, now: 0.4).isEmpty)
        // A video that leaves gives back the frames it still held.
        #expect(a.finished(0, remainingFrames: 10, now: 1).map(\.video) == [2])
        #expect(a.framesInPipeline == 6)
    }

    @Test func anEmptyEngineAlwaysAdmitsEvenPastTheBudget() {
        var a = AdmissionController(maxInFlight: 1, frameBudget: 1)
        _ = a.arrived(0, now: 0)
        _ = a.frames(5, now: 0)
        #expect(a.arrived(1, now: 0).isEmpty)
        // Video 0 finishes but (say) leaves frames uncounted: the next still gets in.
        #expect(a.finished(0, remainingFrames: 0, now: 1).map(\.video) == [1])
    }

    @Test func overloadKeepsInFlightBoundedAndEveryVideoIsAdmittedOnce() {
        var a = AdmissionController(maxInFlight: 3, frameBudget: 24)
        var admitted: [Int] = []
        var peakInFlight = 0
        var now = 0.0
        // 100 videos arrive faster than they finish; each holds 8 frames.
        for video in 0..<100 {
            now += 0.01
            for x in a.arrived(video, now: now) { admitted.append(x.video); _ = a.frames(8, now: now) }
            peakInFlight = max(peakInFlight, a.inFlight.count)
            if video % 3 == 2, let oldest = a.inFlight.min() {
                for x in a.finished(oldest, remainingFrames: 8, now: now) { admitted.append(x.video); _ = a.frames(8, now: now) }
            }
        }
        while let oldest = a.inFlight.min() {
            now += 0.01
            for x in a.finished(oldest, remainingFrames: 8, now: now) { admitted.append(x.video); _ = a.frames(8, now: now) }
        }
        #expect(admitted == Array(0..<100), "each once, in arrival order")
        #expect(peakInFlight <= 3)
        #expect(a.peakFrames <= 24)
        #expect(a.waitingCount == 0)
    }
}

/// The gate with an open-ended total (the engine's feed): its stream ends once closed and all admitted.
@Suite struct AdmissionGateFeedTests {
    @Test func anOpenGateEndsAfterCloseOnceEveryVideoIsAdmitted() async {
        let gate = AdmissionGate(total: nil, maxInFlight: 1, frameBudget: nil)
        gate.arrived(0, now: 0)
        gate.arrived(1, now: 0)
        gate.close(total: 2)
        var seen: [Int] = []
        for await admitted in gate.admitted {
            seen.append(admitted.video)
            gate.finished(admitted.video, remainingFrames: 0, now: 1)
            gate.forget(admitted.video)
        }
        #expect(seen == [0, 1])
        #expect(gate.times(of: 0) == nil, "forgotten")
    }
}
