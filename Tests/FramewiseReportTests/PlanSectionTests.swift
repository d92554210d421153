import Foundation
import FramewiseCore
import FramewisePlanner
@testable import FramewiseReport
import Testing

/// A capacity plan in the report: its tables, and its batch sizes marked on the histograms.
@Suite struct PlanSectionTests {
    static func plan() throws -> CapacityPlan {
        func profile(_ name: String, _ latencies: [(Int, Double)]) -> ModelProfile {
            ModelProfile(modelName: name, modelHash: "hash-\(name)", deviceName: "GPU",
                         entries: latencies.map { BatchProfile(batchSize: $0.0, latencyMean: $0.1, memoryBytes: 100 * $0.0) })
        }
        let catalog = ProfileCatalog([profile("open-nsfw", [(1, 0.01), (4, 0.03), (8, 0.05)]), profile("centerface", [(1, 0.02), (4, 0.05), (8, 0.09)])])
        let pipeline = PlannerPipeline(name: "moderation", stages: [PlannerStage(name: "nsfw", model: "open-nsfw"),
                                                                    PlannerStage(name: "faces", model: "centerface")])
        return try Planner(profiles: catalog).plan(pipeline: pipeline, rate: 100, slo: 0.5, device: PlannerDevice(name: "GPU"))
    }

    @Test func planTablesHaveARowPerStageAndDevice() throws {
        let plan = try Self.plan()
        let html = PlanSection.html(plan)
        #expect(ChartTests.count("class=\"plan-row\"", in: html) == 2)
        #expect(html.contains("id=\"plan-stages\"") && html.contains("id=\"plan-devices\""))
        for row in plan.rows { #expect(html.contains("<td>\(row.stage)</td>")) }
    }

    @Test func theHistogramMarksThePlansBatchSizeAndThePlanReadsFromItsFile() throws {
        let plan = try Self.plan()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONEncoder().encode(plan).write(to: file)
        let read = try ReportBuilder.readPlan(path: file.path)
        #expect(read == plan)
        let spans = [ReportFixtures.batchSpan(trace: "a", batch: "b1", size: 6, frames: 2, end: 1_700_000_001_000_000_000)]
        let html = ReportPage.html(ReportInput(title: "t", videos: [ReportFixtures.video(0)], spans: spans, plan: read))
        let nsfw = try #require(plan.rows.first { $0.stage == "nsfw" })
        #expect(html.contains("plan: \(nsfw.batchSize)"))
        #expect(html.contains("id=\"plan\""))
        #expect(throws: ReportError.self) { try ReportBuilder.readPlan(path: "/nonexistent/plan.json") }
    }

    @Test func aPlanAloneIsAPageOfTables() throws {
        let html = ReportPage.html(ReportInput(title: "plan", videos: [], plan: try Self.plan()))
        #expect(html.contains("id=\"plan-stages\"") && html.contains("id=\"plan-devices\""))
        #expect(!html.contains("chart-time-split") && !html.contains("id=\"videos\""), "no run, no run charts")
    }
}
