import Foundation
import FramewiseCore

extension JobSnapshot {
    /// The job as routes answer it: id, pipeline, state, priority, SLO, times, counts, progress.
    var json: JSONValue {
        let queued = state == .cancelled ? 0 : max(0, total - ok - failed - running)
        return .object([
            "id": .string(id), "pipeline": .string(pipeline), "state": .string(state.rawValue), "priority": .number(Double(priority)),
            "slo_seconds": slo.map(JSONValue.number) ?? .null,
            "created_at": .string(Self.timestamp(createdAt)), "finished_at": finishedAt.map { .string(Self.timestamp($0)) } ?? .null,
            "counts": .object(["ok": .number(Double(ok)), "failed": .number(Double(failed)), "running": .number(Double(running)),
                               "queued": .number(Double(queued)), "total": .number(Double(total))]),
            "progress": .number((progress * 1000).rounded() / 1000),
        ])
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
