import FramewiseCore

/// Takes results as videos finish, in any order, and writes them to the sink in input order,
/// adding each to the run's report with its latency from submission.
struct InOrderWriter {
    let sink: any ResultSink
    private var pending: [Int: (result: VideoResult, latency: VideoLatency)] = [:]
    private var next = 0

    init(sink: any ResultSink) { self.sink = sink }

    /// Holds the result of input `index` and writes every result now due. Each due result is added
    /// to `report` even if writing it fails; the first write error is rethrown after the others.
    mutating func add(_ result: VideoResult, index: Int, latency: Double, to report: inout RunReport) async throws {
        try await add(result, index: index, latency: VideoLatency(fromArrival: latency, fromAdmission: latency), to: &report)
    }

    /// As above, with the latency from arrival and from admission apart.
    mutating func add(_ result: VideoResult, index: Int, latency: VideoLatency, to report: inout RunReport) async throws {
        pending[index] = (result, latency)
        var failure: (any Error)?
        while let ready = pending.removeValue(forKey: next) {
            do { try await sink.write(ready.result) } catch { failure = failure ?? error }
            report.add(ready.result, latency: ready.latency)
            next += 1
        }
        if let failure { throw failure }
    }

    /// Results held back behind a video that has not finished.
    var held: Int { pending.count }

    /// Writes the results still held back (a run that stops early: an earlier video never finished),
    /// in input order, skipping the unfinished videos; adds each to `report` as `add` does.
    mutating func flushHeld(to report: inout RunReport) async throws {
        var failure: (any Error)?
        for index in pending.keys.sorted() {
            guard let held = pending.removeValue(forKey: index) else { continue }
            do { try await sink.write(held.result) } catch { failure = failure ?? error }
            report.add(held.result, latency: held.latency)
        }
        if let failure { throw failure }
    }
}
