import Foundation
import FramewiseCore
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The moderation example end to end: open-nsfw and CenterFace in parallel on real video.
@Suite(.serialized) struct ModerationExampleTests {
    @Test func findsTheFaceInCarphoneAndRatesItSafe() async throws {
        let pipeline = try Examples.load("moderation")
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let results = try await Examples.run(pipeline, [video])
        let r = try #require(results.first)
        #expect(r.status == .ok, "\(r.error ?? "")")
        // 4 s at 2 fps.
        #expect(r.frames.count == 8)
        let withFaces = try #require(r.summaryValue("frames_with_faces")?.number)
        #expect(withFaces >= 6, "a face is visible through the clip; found in \(withFaces) of 8 frames")
        let maxNSFW = try #require(r.summaryValue("max_nsfw")?.number)
        #expect(maxNSFW < 0.2)
        for frame in r.frames {
            guard case let .array(boxes)? = frame.outputs.first(where: { $0.key == "faces" })?.value["boxes"] else { continue }
            for box in boxes {
                guard case let .array(c)? = box["box"] else { Issue.record("box without coordinates"); continue }
                let v = c.compactMap(\.number)
                #expect(v.count == 4 && v[0] >= 0 && v[1] >= 0 && v[2] <= 176 && v[3] <= 144 && v[0] < v[2] && v[1] < v[3],
                        "box \(v) lies inside the 176x144 frame")
                // The face is in the middle of the frame, at least 30 px tall.
                #expect(v[3] - v[1] > 30)
            }
            let nsfw = frame.outputs.first { $0.key == "nsfw" }?.value["scores"]
            let sfw = try #require(nsfw?["sfw"]?.number), bad = try #require(nsfw?["nsfw"]?.number)
            #expect(abs(sfw + bad - 1) < 1e-3, "open-nsfw outputs probabilities")
        }
    }

    @Test func sameResultsWhateverTheConcurrency() async throws {
        let pipeline = try Examples.load("moderation")
        let videos = try ["videos/carphone_pristine.mp4", "videos/bikes.mp4"].map { try Fixtures.require(Fixtures.asset($0)) }
        let one = try await Examples.run(pipeline, videos, concurrency: 1)
        let two = try await Examples.run(pipeline, videos, concurrency: 2)
        #expect(one.count == 2 && two.count == 2)
        for (a, b) in zip(one, two) {
            #expect(a.video == b.video && a.status == .ok && b.status == .ok)
            #expect(a.frames.count == b.frames.count)
            #expect(JSONValue.array(a.frames.map(\.json)) == JSONValue.array(b.frames.map(\.json)), "same JSON except timings")
            #expect(a.summary == b.summary)
        }
    }
}
