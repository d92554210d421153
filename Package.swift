// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Framewise",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "framewise", targets: ["framewise"]),
        .library(name: "FramewiseCore", targets: ["FramewiseCore"]),
        .library(name: "FramewiseRuntime", targets: ["FramewiseRuntime"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
    ],
    targets: [
        // C declarations of the subset of ONNX Runtime's C API we use, plus a dlopen loader.
        .target(name: "CONNXRuntime", linkerSettings: [.linkedLibrary("dl")]),
        // FFmpeg (libav*) from Debian through pkg-config, with inline shims for macros.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat libavcodec libswscale libavutil",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),
        .target(
            name: "FramewiseCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "FramewiseMedia",
            dependencies: ["FramewiseCore", "CFFmpeg", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "FramewiseONNX",
            dependencies: ["FramewiseCore", "CONNXRuntime", .product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "FramewisePostprocess", dependencies: ["FramewiseCore"]),
        .target(
            name: "FramewiseRuntime",
            dependencies: [
                "FramewiseCore", "FramewiseMedia", "FramewiseONNX", "FramewisePostprocess",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The shared downloader: a URL fetched once into a content-addressed cache (async-http-client).
        .target(
            name: "FramewiseDownloader",
            dependencies: [
                "FramewiseCore", .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // `framewise optimize`: model variants (clean, fp32-opt, int8) made by ONNX Runtime's own tools
        // in .venv, calibrated on the pipeline's own decoding and preprocessing, measured against the original.
        .target(
            name: "FramewiseOptimize",
            dependencies: ["FramewiseCore", "FramewiseMedia", "FramewiseRuntime", "FramewisePostprocess", "FramewisePlanner"]
        ),
        // The Focus index: cheap-model top-K and features per frame, incremental clusters, SQLite (GRDB);
        // queries run a ground-truth pipeline on cluster centroids only. Both are normal engine runs.
        .target(
            name: "FramewiseIndex",
            dependencies: ["FramewiseCore", "FramewiseMedia", "FramewiseRuntime", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // Control plane: profiles -> plans. Pure: no I/O, no async.
        .target(name: "FramewisePlanner", dependencies: ["FramewiseCore"]),
        // Redis Streams broker on a SwiftNIO RESP client.
        .target(
            name: "FramewiseRedis",
            dependencies: [
                "FramewiseCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fakes behind the project's protocols: models, clocks, an in-memory job store and frame storage.
        .target(name: "FramewiseTesting", dependencies: ["FramewiseCore", "FramewiseMedia", "FramewiseRuntime"]),
        // The application layer: one builder from configuration (pipeline, engine, broker, plans,
        // profiles, status) used by the CLI, the server and the tests.
        .target(
            name: "FramewiseApp",
            dependencies: [
                "FramewiseCore", "FramewiseMedia", "FramewiseONNX", "FramewiseRuntime", "FramewisePlanner", "FramewiseRedis",
                "FramewiseDownloader",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The report: results, traces and plans -> one self-contained HTML page (inline SVG charts,
        // thumbnails re-decoded with FFmpeg and JPEG-encoded); chart builders reusable by the server.
        .target(name: "FramewiseReport", dependencies: ["FramewiseCore", "FramewiseMedia", "FramewisePlanner", "FramewiseOptimize"]),
        // The HTTP service: jobs in SQLite (GRDB), a scheduler feeding one engine per pipeline,
        // bearer tokens; buildServer(config) -> a service group.
        .target(
            name: "FramewiseServer",
            dependencies: [
                "FramewiseApp", "FramewiseCore", "FramewiseRuntime", "FramewiseDownloader", "FramewiseReport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .executableTarget(
            name: "framewise",
            dependencies: [
                "FramewiseApp", "FramewiseServer", "FramewiseCore", "FramewiseMedia", "FramewiseRuntime", "FramewisePlanner", "FramewiseRedis",
                "FramewiseReport",
                "FramewiseDownloader",
                "FramewiseOptimize",
                "FramewiseIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "FramewiseCoreTests", dependencies: ["FramewiseCore", "FramewiseTesting"]),
        .testTarget(name: "FramewiseMediaTests", dependencies: ["FramewiseMedia", "FramewiseCore", "FramewiseTesting"]),
        .testTarget(name: "FramewiseONNXTests", dependencies: ["FramewiseONNX", "FramewiseCore", "FramewiseTesting"]),
        .testTarget(name: "FramewisePostprocessTests", dependencies: ["FramewisePostprocess", "FramewiseCore"]),
        .testTarget(
            name: "FramewiseRuntimeTests",
            dependencies: [
                "FramewiseRuntime", "FramewiseCore", "FramewiseMedia", "FramewisePostprocess", "FramewiseTesting",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        .testTarget(
            name: "FramewiseAppTests",
            dependencies: [
                "FramewiseApp", "FramewiseRuntime", "FramewisePlanner", "FramewiseCore", "FramewiseTesting",
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "FramewiseDownloaderTests",
            dependencies: [
                "FramewiseDownloader", "FramewiseCore", "FramewiseTesting", .product(name: "MetricsTestKit", package: "swift-metrics"),
            ]
        ),
        .testTarget(
            name: "FramewiseServerTests",
            dependencies: [
                "FramewiseServer", "FramewiseApp", "FramewiseCore", "FramewiseRuntime", "FramewiseTesting", "FramewiseDownloader",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "FramewiseIndexTests",
            dependencies: ["FramewiseIndex", "FramewiseApp", "FramewiseCore", "FramewiseMedia", "FramewiseRuntime", "FramewiseTesting"]
        ),
        .testTarget(name: "FramewisePlannerTests", dependencies: ["FramewisePlanner", "FramewiseCore"]),
        .testTarget(name: "FramewiseReportTests", dependencies: ["FramewiseReport", "FramewiseCore", "FramewiseMedia", "FramewisePlanner", "FramewiseTesting"]),
        .testTarget(
            name: "FramewiseRedisTests",
            dependencies: [
                "FramewiseRedis", "FramewiseCore", "FramewiseRuntime", "FramewiseTesting",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .testTarget(
            name: "FramewiseIntegrationTests",
            dependencies: ["FramewiseRuntime", "FramewiseCore", "FramewiseONNX", "FramewiseOptimize", "FramewiseTesting"]
        ),
    ]
)
