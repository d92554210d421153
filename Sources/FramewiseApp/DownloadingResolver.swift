import FramewiseDownloader
import FramewiseRuntime

/// Video inputs through the shared downloader: http(s) URLs are fetched once into its
/// content-addressed cache and decoded from there; anything else is a local path, as given.
public struct DownloadingResolver: VideoSourceResolver {
    public let downloader: Downloader

    public init(downloader: Downloader) { self.downloader = downloader }

    public func localPath(for input: String) async throws -> String {
        guard Downloader.isURL(input) else { return input }
        return try await downloader.fetch(input)
    }
}
