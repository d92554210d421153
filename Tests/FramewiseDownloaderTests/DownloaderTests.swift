import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import FramewiseCore
import FramewiseDownloader
import FramewiseTesting
import MetricsTestKit
import Testing

@Suite(.serialized) struct DownloaderTests {
    /// Runs `body` with a downloader, shutting it down however `body` ends.
    static func with(_ server: LocalHTTPServer, _ configure: (inout DownloaderConfiguration) -> Void = { _ in },
                     _ body: (Downloader, String) async throws -> Void) async throws {
        let (downloader, cache) = Self.downloader(server, configure)
        defer { try? FileManager.default.removeItem(atPath: cache) }
        do {
            try await body(downloader, cache)
        } catch {
            await downloader.shutdown()
            throw error
        }
        await downloader.shutdown()
    }

    static func downloader(_ server: LocalHTTPServer, _ configure: (inout DownloaderConfiguration) -> Void = { _ in }) -> (Downloader, String) {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fw-cache-\(UUID().uuidString)").path
        var config = DownloaderConfiguration(cacheDirectory: cache, timeout: .seconds(10), retries: 2, backoff: .milliseconds(10),
                                             allowList: ["127.0.0.1"])
        configure(&config)
        return (Downloader(configuration: config), cache)
    }

    @Test func fetchesOnceIntoTheCacheAndServesHitsFromDisk() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        try await Self.with(server) { downloader, cache in
            let path = try await downloader.fetch(server.url("/files/h264.mp4"))
            let original = try Data(contentsOf: server.root.appendingPathComponent("h264.mp4"))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == original)
            #expect(path.hasSuffix(SHA256.hex(of: [UInt8](original))), "content-addressed")
            let again = try await downloader.fetch(server.url("/files/h264.mp4"))
            #expect(again == path)
            let stats = await downloader.stats
            #expect(stats.downloads == 1 && stats.cacheHits == 1)
        }
    }

    @Test func metricsCountBytesHitsAndFailures() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let metrics = TestMetrics()
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("fw-cache-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: cache) }
        let downloader = Downloader(configuration: DownloaderConfiguration(cacheDirectory: cache, timeout: .seconds(10), retries: 0,
                                                                           allowList: ["127.0.0.1"]),
                                    metrics: DownloadMetrics(factory: metrics))
        _ = try? await downloader.fetch(server.url("/files/h264.mp4"))
        _ = try? await downloader.fetch(server.url("/files/h264.mp4"))
        _ = try? await downloader.fetch(server.url("/status/404"))
        await downloader.shutdown()
        let size = try FileManager.default.attributesOfItem(atPath: server.root.appendingPathComponent("h264.mp4").path)[.size] as? Int
        #expect(metrics.counterTotal(label: DownloadMetrics.Name.bytes) == Int64(try #require(size)))
        #expect(metrics.counterTotal(label: DownloadMetrics.Name.downloads) == 1)
        #expect(metrics.counterTotal(label: DownloadMetrics.Name.cacheHits) == 1)
        #expect(metrics.counterTotal(label: DownloadMetrics.Name.failures) == 1)
    }

    @Test func tenJobsAskingForOneURLShareOneDownload() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        try await Self.with(server) { downloader, cache in
            let paths = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 { group.addTask { try await downloader.fetch(server.url("/files/mpeg4.avi")) } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(paths).count == 1)
            let countURL = try #require(URL(string: server.url("/count/mpeg4.avi")))
            let (body, _) = try await URLSession.shared.data(from: countURL)
            #expect(String(decoding: body, as: UTF8.self) == "1", "the server saw one request")
        }
    }

    @Test func errorsNameTheURLAndNeverLeaveACacheEntry() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        try await Self.with(server, { $0.timeout = .seconds(1); $0.retries = 1 }) { downloader, cache in
            let cases: [(String, (DownloadError) -> Bool)] = [
                ("/status/404", { if case .status(_, 404) = $0 { true } else { false } }),
                ("/status/500", { if case .status(_, 500) = $0 { true } else { false } }),
                ("/truncated/h264.mp4", { if case .truncated = $0 { true } else { false } }),
                ("/slow/h264.mp4", { if case .timedOut = $0 { true } else { false } }),
                // Headers and half the body at once, then a pause longer than the timeout: the timeout covers the body too.
                ("/stall/h264.mp4", { if case .timedOut = $0 { true } else { false } }),
                ("/loop", { if case .redirects = $0 { true } else { false } }),
            ]
            for (path, matches) in cases {
                let url = server.url(path)
                do {
                    _ = try await downloader.fetch(url)
                    Issue.record("\(path) should fail")
                } catch let error as DownloadError {
                    #expect(matches(error), "\(path): \(error)")
                    #expect(error.description.contains(url), "the error names the URL: \(error)")
                }
            }
            let objects = (try? FileManager.default.contentsOfDirectory(atPath: cache + "/objects")) ?? []
            #expect(objects.isEmpty, "no partial download became an entry: \(objects)")
        }
    }

    @Test func retriesTransientFailuresAndFollowsRedirects() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        try await Self.with(server) { downloader, cache in
            let flaky = try await downloader.fetch(server.url("/flaky/h264.mp4"))
            let redirected = try await downloader.fetch(server.url("/redirect/3/h264.mp4"))
            #expect(flaky == redirected, "the same bytes: one object")
            let limited = DownloaderTests.downloader(server) { $0.maxRedirects = 2 }.0
            await #expect(throws: DownloadError.self) { try await limited.fetch(server.url("/redirect/3/h264.mp4")) }
            await limited.shutdown()
        }
    }

    @Test func sizeLimitAndEvictionByLeastRecentUse() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        let small = Self.downloader(server) { $0.maxBytes = 1000 }
        await #expect(throws: DownloadError.tooLarge(url: server.url("/files/h264.mp4"), limit: 1000)) {
            try await small.0.fetch(server.url("/files/h264.mp4"))
        }
        await small.0.shutdown()
        let h264 = try Data(contentsOf: server.root.appendingPathComponent("h264.mp4")).count
        try await Self.with(server, { $0.cacheCapacityBytes = Int64(h264 + 10) }) { downloader, cache in
            let first = try await downloader.fetch(server.url("/files/h264.mp4"))
            let second = try await downloader.fetch(server.url("/files/mpeg4.avi"))
            #expect(!FileManager.default.fileExists(atPath: first), "the older entry was evicted")
            #expect(FileManager.default.fileExists(atPath: second))
        }
    }

    @Test func privateAndLoopbackAddressesAreRefusedUnlessAllowListed() async throws {
        let server = try LocalHTTPServer()
        defer { server.stop() }
        try await Self.with(server, { $0.allowList = [] }) { strict, cache in
            for url in [server.url("/files/h264.mp4"), "http://localhost:\(server.port)/files/h264.mp4", "http://10.1.2.3/x", "http://[::1]:\(server.port)/x",
                        "http://169.254.169.254/latest/meta-data"] {
                await #expect {
                    try await strict.fetch(url)
                } throws: { error in
                    guard case .refusedAddress = error as? DownloadError else { return false }
                    return (error as? DownloadError)?.description.contains("allow-list") == true
                }
            }
            await #expect(throws: DownloadError.self) { try await strict.fetch("file:///etc/passwd") }
        }
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("10.0.0.7", true), ("172.16.4.1", true), ("172.32.0.1", false), ("192.168.1.1", true),
        ("169.254.0.1", true), ("8.8.8.8", false), ("100.64.0.1", true), ("::1", true), ("fd00::1", true), ("fe80::1", true),
        ("2001:db8::1", false), ("::ffff:10.0.0.1", true), ("0.0.0.0", true),
    ])
    func addressClassification(address: String, isInternal: Bool) throws {
        let bytes = try #require(AddressPolicy.bytes(of: address))
        #expect(AddressPolicy.isInternal(bytes) == isInternal)
    }

    @Test func allowListByNetwork() throws {
        let policy = AddressPolicy(allowList: ["10.0.0.0/8", "cache.internal"])
        #expect(policy.allows(host: "a", address: try #require(AddressPolicy.bytes(of: "10.9.8.7"))))
        #expect(!policy.allows(host: "a", address: try #require(AddressPolicy.bytes(of: "192.168.0.1"))))
        #expect(policy.allows(host: "CACHE.internal", address: try #require(AddressPolicy.bytes(of: "192.168.0.1"))))
    }
}
