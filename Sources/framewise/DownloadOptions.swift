import ArgumentParser
import FramewiseApp
import FramewiseDownloader
import Foundation

/// How `run` fetches http(s) URL inputs: once, into a content-addressed cache, refusing private
/// addresses unless allow-listed.
struct DownloadOptions: ParsableArguments {
    @Option(name: .customLong("download-cache"), help: "Where URL inputs are downloaded (default: $XDG_CACHE_HOME or ~/.cache, framewise/downloads).")
    var cache: String?
    @Option(name: .customLong("max-download"), help: "Largest video fetched from a URL (e.g. 500M, 2G).") var maxDownload: ByteCount = ByteCount(argument: "2G")!
    @Option(name: .customLong("allow-private-url"),
            help: "A host or network (10.0.0.0/8, 127.0.0.1) URLs may resolve to although loopback, link-local or private (repeat for several).")
    var allowPrivateURLs: [String] = []
    @OptionGroup var retry: DownloadRetryOptions

    /// The cache folder.
    var cacheDirectory: String {
        if let cache { return cache }
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"].map { $0 + "/.cache" } ?? FileManager.default.temporaryDirectory.path)
        return base + "/framewise/downloads"
    }

    /// A downloader when any input is a URL (nil otherwise: nothing to fetch).
    func downloader(for inputs: [String]) -> Downloader? {
        guard inputs.contains(where: Downloader.isURL) else { return nil }
        return Downloader(configuration: DownloaderConfiguration(cacheDirectory: cacheDirectory, maxBytes: maxDownload.bytes,
                                                                 timeout: retry.duration, retries: retry.retries, allowList: allowPrivateURLs))
    }
}
