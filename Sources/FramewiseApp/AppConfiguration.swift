import CoreMetrics
import FramewiseCore
import FramewisePlanner
import FramewiseRuntime
import Tracing

/// Everything an application is built from: the pipeline file, where ONNX Runtime is, how the
/// engine uses the machine, and an optional capacity plan to apply. The CLI, the server and the
/// tests each fill one in and call `buildApplication`.
public struct AppConfiguration: Sendable {
    /// The pipeline YAML file.
    public var pipelinePath: String
    /// `libonnxruntime.so` (nil: `$ORT_DYLIB_PATH`, then the project's `.venv`).
    public var ortLibrary: String?
    /// How the engine uses the machine (videos in flight, threads, queue bounds, SLO).
    public var engine: EngineConfiguration
    /// A capacity plan to apply: per-stage instances, batch limits and budgets, and its device
    /// count as worker threads unless `workerThreadsGiven`.
    public var plan: CapacityPlan?
    /// Whether `engine.workerThreads` was set explicitly (it then wins over the plan's device count).
    public var workerThreadsGiven: Bool
    /// Where the engine reports metrics (nil: not measured), e.g. `PrometheusMetrics().factory`.
    public var metrics: (any MetricsFactory)?
    /// Traces each video (one trace per video), e.g. a `RecordingTracer` writing a trace file (nil: not traced).
    public var tracer: (any Tracer)?
    /// Fetches URL inputs before they are decoded (e.g. `DownloadingResolver`); nil: paths only.
    public var resolver: (any VideoSourceResolver)?
    /// A distributed deployment to run on (stages in `framewise worker` processes behind Redis);
    /// nil: the engine runs in this process.
    public var cluster: ClusterSettings?

    public init(pipelinePath: String, ortLibrary: String? = nil, engine: EngineConfiguration = EngineConfiguration(),
                plan: CapacityPlan? = nil, workerThreadsGiven: Bool = false, metrics: (any MetricsFactory)? = nil,
                tracer: (any Tracer)? = nil, resolver: (any VideoSourceResolver)? = nil, cluster: ClusterSettings? = nil) {
        self.cluster = cluster
        self.metrics = metrics
        self.tracer = tracer
        self.resolver = resolver
        self.pipelinePath = pipelinePath
        self.ortLibrary = ortLibrary
        self.engine = engine
        self.plan = plan
        self.workerThreadsGiven = workerThreadsGiven
    }
}
