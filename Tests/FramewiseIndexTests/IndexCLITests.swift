import Foundation
import FramewiseIndex
import FramewiseTesting
import Testing

/// `framewise index`, `query` as a user runs them, on the example pipelines.
@Suite struct IndexCLITests {
    struct Finished: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `framewise args` in the project root on a thread of its own (not the cooperative pool).
    static func framewise(_ args: [String]) async throws -> Finished {
        let binary = try Fixtures.require(Fixtures.framewiseBinary)
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: binary)
                process.arguments = args
                process.currentDirectoryURL = Fixtures.projectRoot
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-cli-\(UUID().uuidString)")
                let out = folder.appendingPathComponent("out"), err = folder.appendingPathComponent("err")
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
                    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
                    process.standardOutput = try FileHandle(forWritingTo: out)
                    process.standardError = try FileHandle(forWritingTo: err)
                    try process.run()
                    process.waitUntilExit()
                    let result = Finished(status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
                                          stderr: try String(contentsOf: err, encoding: .utf8))
                    try? FileManager.default.removeItem(at: folder)
                    continuation.resume(returning: result)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Index one clip, query a class its frames hold: every answer line names the clip and a frame
    /// the index holds; a second query of the same class runs no GT (the labels are cached).
    @Test func indexThenQueryOnTheExamplePipelines() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-cli-index-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let indexed = try await Self.framewise(["index", "examples/index/cheap.yaml", video, "--index", dir, "--top-k", "5", "--threshold", "0.3",
                                                "--labels", "assets/models/imagenet_classes.txt", "--worker-threads", "2"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(indexed.stdout.contains("indexed 1 of 1 videos: 24 frames"), "\(indexed.stdout)")

        // Settings are fixed at creation.
        let refused = try await Self.framewise(["index", "examples/index/cheap.yaml", video, "--index", dir, "--top-k", "3"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--top-k"))

        // Query the class most frames hold at top-1 by its name: JSON lines of the clip's indexed frames;
        // the second time, the centroids' GT labels come from the index.
        let store = try IndexStore(directory: dir)
        let frames = try store.allFrames()
        var counts: [Int: Int] = [:]
        for f in frames { if let c = f.topK.first?.classID { counts[c, default: 0] += 1 } }
        let common = try #require(counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key)
        let labels = try #require(try store.settings()?.labels)
        // By name (the whole label) unless another class has the same one (ImageNet has two "crane"s).
        let name = labels.filter { $0 == labels[common] }.count == 1 ? labels[common] : String(common)
        let query = ["query", "--index", dir, "--class", name, "--gt", "examples/index/gt.yaml", "--worker-threads", "2"]
        let first = try await Self.framewise(query)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("class \(common) (\(labels[common])): "), "\(first.stderr)")
        #expect(!first.stderr.contains("(0 run, "), "\(first.stderr)")
        let indexedFrames = Set(frames.map(\.frame.sampleIndex))
        for line in first.stdout.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["video"] as? String == video)
            #expect((object["frame"] as? Int).map(indexedFrames.contains) == true)
            #expect(object["time"] is Double || object["time"] is Int)
        }
        let second = try await Self.framewise(query)
        #expect(second.stdout == first.stdout)
        #expect(second.stderr.contains("(0 run, "), "\(second.stderr)")
        let unknown = try await Self.framewise(["query", "--index", dir, "--class", "no such class"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown class"))
    }

    /// `index --specialize`: the ground truth labels a sample, the head is kept in the index, every
    /// frame stores its top-K (OTHER as -1), and a query for one of its classes confirms clusters.
    @Test func specializedIndexStoresTheHeadsTopK() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-cli-special-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let video = try Fixtures.require(Fixtures.asset("videos/carphone_pristine.mp4"))
        let noGT = try await Self.framewise(["index", "examples/index/cheap.yaml", video, "--index", dir, "--specialize", "2"])
        #expect(noGT.status == 2)
        #expect(noGT.stderr.contains("--gt"), "\(noGT.stderr)")
        #expect(try IndexStore(directory: dir).settings() == nil, "a refused run leaves no settings behind")
        let indexed = try await Self.framewise(["index", "examples/index/cheap.yaml", video, "--index", dir, "--top-k", "2", "--threshold", "0.3",
                                                "--specialize", "2", "--gt", "examples/index/gt.yaml", "--train-every", "3",
                                                "--labels", "assets/models/imagenet_classes.txt", "--worker-threads", "2"])
        #expect(indexed.status == 0, "\(indexed.stderr)")
        #expect(indexed.stdout.contains("specialised head: "), "\(indexed.stdout)")
        #expect(indexed.stdout.contains("trained on 8 frames"), "\(indexed.stdout)")
        let store = try IndexStore(directory: dir)
        let special = try #require(try store.settings()?.specialization)
        #expect(special.trainFrames == 8 && special.groundTruthSeconds > 0)
        let known = Set(special.head.classIDs + [SpecializedHead.otherClassID])
        let frames = try store.allFrames()
        #expect(frames.count == 24)
        #expect(frames.allSatisfy { f in !f.topK.isEmpty && f.topK.allSatisfy { known.contains($0.classID) } })
        // The head's most frequent class, queried by id with the ground truth: confirmed clusters, no OTHER lookup.
        let first = try #require(special.head.classIDs.first)
        let query = try await Self.framewise(["query", "--index", dir, "--class", String(first), "--gt", "examples/index/gt.yaml", "--worker-threads", "2"])
        #expect(query.status == 0, "\(query.stderr)")
        #expect(!query.stderr.contains("OTHER"), "\(query.stderr)")
        let candidates = query.stderr.firstMatch(of: /: (\d+) candidate clusters/).flatMap { Int($0.1) }
        #expect((candidates ?? 0) > 0, "\(query.stderr)")
        // A head of another size is refused on this index.
        let refused = try await Self.framewise(["index", "examples/index/cheap.yaml", video, "--index", dir, "--specialize", "3", "--gt", "examples/index/gt.yaml"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--specialize"), "\(refused.stderr)")
    }

    /// `validate` on the index pipeline names its outputs and the feature-vector candidates.
    @Test func validateListsFeatureVectorCandidates() async throws {
        _ = try Fixtures.require(Fixtures.asset("models/efficientnet-lite0.onnx"))
        let r = try await Self.framewise(["validate", "examples/index/cheap.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("outputs: logits: float32[batch,1000], features: float32[batch,1280]"), "\(r.stdout)")
        #expect(r.stdout.contains("feature-vector candidates (index --features-output): features, logits"), "\(r.stdout)")
    }
}
