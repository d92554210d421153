import FramewiseCore

/// Passes each result on to a sink and keeps it (for `run --report`).
actor CollectingSink: ResultSink {
    private let next: any ResultSink
    private(set) var results: [VideoResult] = []

    init(_ next: any ResultSink) { self.next = next }

    func write(_ result: VideoResult) async throws {
        try await next.write(result)
        results.append(result)
    }

    func finish() async throws { try await next.finish() }
}
