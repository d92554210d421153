import ArgumentParser
import FramewiseRuntime

/// How long one download attempt of a URL input may take and how often a failed one is retried
/// (`run` and `serve`).
struct DownloadRetryOptions: ParsableArguments {
    @Option(name: .customLong("download-timeout"), help: "Longest one download attempt may take, from the request to the last byte (e.g. 120s, 10m).")
    var timeout: String = "120s"
    @Option(name: .customLong("download-retries"), help: "Attempts after the first for transient failures (5xx, timeouts, lost connections), with doubling backoff.")
    var retries: Int = 3

    func validate() throws {
        guard let seconds = try? PlanningUnits.seconds(timeout), seconds > 0 else {
            throw ValidationError("--download-timeout must be a positive duration (e.g. 120s), got '\(timeout)'")
        }
        guard retries >= 0 else { throw ValidationError("--download-retries must not be negative, got \(retries)") }
    }

    /// `--download-timeout` as a duration.
    var duration: Duration { .seconds((try? PlanningUnits.seconds(timeout)) ?? 120) }
}
