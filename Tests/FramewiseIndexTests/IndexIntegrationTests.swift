import Foundation
import FramewiseApp
import FramewiseCore
import FramewiseIndex
import FramewiseRuntime
import FramewiseTesting
import Testing

/// The index and queries through the real models and the real engine.
@Suite(.serialized) struct IndexIntegrationTests {
    /// The converted classifiers name scikit-image's photos as PyTorch does (fetch-assets checked
    /// the same in Python): each photo decoded by FFmpeg and preprocessed by the engine.
    @Test(arguments: [("efficientnet-lite0", 224), ("efficientnet-lite2", 260)])
    func photosGetTheirImageNetClass(model: String, size: Int) async throws {
        let folder = try RealModels.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pipeline = try RealModels.pipeline(in: folder, name: "photo", model: model, size: size, sampling: "every_frame", classify: true)
        let photos = try ["chelsea", "coffee"].map { try Fixtures.require(Fixtures.asset("images/\($0).png")) }
        let sink = ResultList()
        try await RealModels.run(pipeline, photos, sink: sink)
        let top = await sink.results.map { r in r.frames.first?.outputs.first?.value.values(at: "top.label").first }
        #expect(top == [.string("Egyptian cat"), .string("espresso")])
        let scores = await sink.results.compactMap { $0.frames.first?.outputs.first?.value.values(at: "top.score").first?.number }
        #expect(scores.count == 2 && scores.allSatisfy { $0 > 0.5 })
    }

    /// At threshold 0 every frame is its own cluster and with K = 1000 every frame is a candidate,
    /// so the answer must be exactly the frames whose GT (run on every sampled frame) is the class;
    /// a second query reuses the cached centroid labels.
    @Test func strictQueryEqualsGroundTruthOnEveryFrame() async throws {
        let folder = try RealModels.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let video = try Fixtures.require(Fixtures.asset("videos/bikes.mp4"))
        let sampling = "{every: 25}"
        let cheap = try RealModels.pipeline(in: folder, name: "cheap", model: "efficientnet-lite0", size: 160, sampling: sampling, classify: false)
        let gtPath = try RealModels.pipeline(in: folder, name: "gt", model: "efficientnet-lite2", size: 260, sampling: sampling, classify: true)

        // Ground truth on every sampled frame: a normal run of the GT pipeline.
        let everyFrame = ResultList()
        try await RealModels.run(gtPath, [video], sink: everyFrame)
        let truth = try #require(await everyFrame.results.first)
        let labels = try RealModels.labels()
        let gtByFrame: [Int: Int] = Dictionary(uniqueKeysWithValues: truth.frames.compactMap { f in
            guard case let .string(l)? = f.outputs.first?.value.values(at: "top.label").first, let id = labels.firstIndex(of: l) else { return nil }
            return (f.sourceIndex ?? -1, id)
        })
        #expect(gtByFrame.count == 10)

        // The index: every frame its own cluster, every class kept.
        let store = try IndexStore(directory: folder.appendingPathComponent("index").path)
        let settings = IndexSettings(topK: 1000, clustering: ClusteringConfiguration(threshold: 0), labels: labels)
        try store.saveSettings(settings)
        try await RealModels.run(cheap, [video], sink: IndexingSink(store: store, settings: settings))
        #expect(try store.summary().frames == 10)
        #expect(try store.summary().clusters == 10)

        let spec = try PipelineLoader.load(path: gtPath)
        let backend = try PipelineLoading.backend(ortLibrary: RealModels.ortLibrary)
        let gt = try GroundTruthRunner(spec: spec, backend: backend, engine: EngineConfiguration(workerThreads: 2))
        let classes = Array(Set(gtByFrame.values)).sorted()
        var ran = 0
        for (n, classID) in classes.prefix(2).enumerated() {
            let answer = try await IndexQuery.run(store: store, classID: classID, groundTruth: gt)
            let expected = gtByFrame.filter { $0.value == classID }.keys.sorted()
            #expect(answer.frames.compactMap(\.sourceIndex) == expected, "class \(classID) (\(labels[classID]))")
            #expect(answer.candidates == 10)
            ran += answer.centroidsRun
            if n > 0 { #expect(answer.centroidsRun == 0 && answer.centroidsCached == 10) }
        }
        #expect(ran == 10)

        // Every centroid's label cached: a query never loads the ground-truth models, so a runner
        // whose models cannot load still answers, the same frames.
        let unloadable = try GroundTruthRunner(spec: spec, backend: UnloadableBackend(), engine: EngineConfiguration(workerThreads: 2))
        let first = try #require(classes.first)
        let cached = try await IndexQuery.run(store: store, classID: first, groundTruth: unloadable)
        #expect(cached.frames.compactMap(\.sourceIndex) == gtByFrame.filter { $0.value == first }.keys.sorted())
        #expect(cached.centroidsRun == 0 && cached.centroidsCached == 10)
        // A label missing: the models are loaded, and their error names the ground-truth file.
        let fresh = try IndexStore(directory: folder.appendingPathComponent("index2").path)
        try fresh.saveSettings(settings)
        try await RealModels.run(cheap, [video], sink: IndexingSink(store: fresh, settings: settings))
        await #expect(throws: IndexError.self) { try await IndexQuery.run(store: fresh, classID: first, groundTruth: unloadable) }
        do { _ = try await IndexQuery.run(store: fresh, classID: first, groundTruth: unloadable) } catch {
            #expect("\(error)".contains(gtPath) && "\(error)".contains("cannot load"), "\(error)")
        }
    }
}

/// A backend whose every model fails to load.
private struct UnloadableBackend: InferenceBackend {
    struct Unloadable: Error, CustomStringConvertible { var description: String { "this backend loads no model" } }
    func loadSession(path: String, name: String, options: SessionOptions) throws -> any InferenceSession { throw Unloadable() }
}
