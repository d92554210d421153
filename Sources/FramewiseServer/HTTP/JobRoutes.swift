import Foundation
import FramewiseCore
import FramewiseDownloader
import Hummingbird

/// The `/v1/jobs` routes: submit, status, list, results, cancel, events.
struct JobRoutes: Sendable {
    let repository: any JobRepository
    /// Served pipelines by their YAML name.
    let pipelines: [String: JobDispatcher]
    let paths: PathPolicy
    let maxQueued: Int
    let changes: ChangeSignal
    let housekeeping: ServerHousekeeping
    /// Where uploaded videos are kept.
    let uploads: UploadStore
    let maxUploadBytes: Int64
    /// Private hosts and networks URLs may name (the downloader's SSRF allow-list).
    let allowPrivateURLs: [String]

    func register(on group: RouterGroup<ServerRequestContext>) {
        group.post("jobs") { request, context in try await submit(request, context: context) }
        group.get("jobs") { request, context in try await list(request, context: context) }
        group.get("jobs/:id") { _, context in
            Response.json(try await repository.job(try context.parameters.require("id"), owner: context.owner).json)
        }
        group.delete("jobs/:id") { _, context in
            let id = try context.parameters.require("id")
            let cancelled = try await repository.cancel(id, owner: context.owner)
            uploads.remove(job: id)
            return Response.json(cancelled.json).then { [changes] in changes.notify(job: id) }
        }
        group.get("jobs/:id/results") { request, context in try await results(request, context: context) }
        group.get("jobs/:id/events") { request, context in try await events(request, context: context) }
    }

    private func submit(_ request: Request, context: ServerRequestContext) async throws -> Response {
        if let boundary = MultipartUpload.boundary(of: request.headers[.contentType]) {
            guard let boundary else { throw APIError(.badRequest, field: "Content-Type", "a multipart/form-data body needs a boundary of 1 to 70 characters") }
            return try await submitUpload(request, boundary: boundary, context: context)
        }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        let parsed = try JobSubmission.parse(Data(buffer: body))
        try checkPipeline(parsed.pipeline)
        var videos: [String] = []
        for (index, path) in parsed.videos.enumerated() {
            if Downloader.isURL(path) {
                do { try Downloader.precheck(path, allowList: allowPrivateURLs) } catch {
                    if case .refusedAddress = error { throw APIError(.forbidden, field: "videos[\(index)]", error.description) }
                    throw APIError(.unprocessableContent, field: "videos[\(index)]", error.description)
                }
                videos.append(path)
                continue
            }
            switch paths.check(path) {
            case .outside:
                throw APIError(.forbidden, field: "videos[\(index)]", "\(path) is outside the folders this server may read (--allow-root)")
            case .missing:
                throw APIError(.unprocessableContent, field: "videos[\(index)]", "no such file: \(path)")
            case let .allowed(files):
                guard !files.isEmpty else { throw APIError(.unprocessableContent, field: "videos[\(index)]", "no video files in \(path)") }
                videos += files
            }
        }
        return try await store(NewJob(pipeline: parsed.pipeline, videos: videos, priority: parsed.priority, slo: parsed.slo, owner: context.owner))
    }

    /// A multipart submission: the videos are uploaded into the job's own folder, removed with the
    /// job (and at once when it is refused).
    private func submitUpload(_ request: Request, boundary: String, context: ServerRequestContext) async throws -> Response {
        if let declared = request.headers[.contentLength].flatMap(Int64.init), declared > maxUploadBytes {
            throw MultipartUpload.tooLarge(maxUploadBytes)
        }
        let id = JobState.newJobID()
        do {
            try uploads.create(job: id)
            let upload = try await MultipartUpload.receive(request, boundary: boundary, into: uploads.folder(job: id), maxBytes: maxUploadBytes)
            let fields = upload.fields
            var priority: Int?
            if let text = fields["priority"] {
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    throw APIError(.unprocessableContent, field: "priority", "expected an integer")
                }
                priority = value
            }
            guard !upload.files.isEmpty else { throw APIError(.unprocessableContent, field: "video", "upload at least one file (a part with a filename)") }
            let parsed = try JobSubmission.check(.init(pipeline: fields["pipeline"], videos: upload.files, priority: priority, slo: fields["slo"]))
            try checkPipeline(parsed.pipeline)
            return try await store(NewJob(pipeline: parsed.pipeline, videos: parsed.videos, priority: parsed.priority, slo: parsed.slo,
                                          owner: context.owner, id: id))
        } catch {
            uploads.remove(job: id)
            throw error
        }
    }

    private func checkPipeline(_ name: String) throws(APIError) {
        guard pipelines[name] != nil else {
            throw APIError(.notFound, field: "pipeline", "no pipeline named \(name); served: \(pipelines.keys.sorted().joined(separator: ", "))")
        }
    }

    /// Stores the job (429 when the queue is full) and answers 202 with its id.
    private func store(_ job: NewJob) async throws -> Response {
        guard job.videos.count <= maxQueued else {
            throw APIError(.unprocessableContent, field: "videos", "\(job.videos.count) videos is more than the queue holds (\(maxQueued)); split the job")
        }
        let stored = try await repository.submit(job, maxQueued: maxQueued, queueOf: pipelines.keys.sorted())
        return Response.json(.object(["id": .string(stored.id), "state": .string(stored.state.rawValue), "total": .number(Double(stored.total))]),
                             status: .accepted, headers: [.location: "/v1/jobs/\(stored.id)"])
            .then { [changes] in changes.notifyQueued() }
    }

    private func list(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let (offset, limit) = try paging(request, defaultLimit: 50)
        let page = try await repository.jobs(owner: context.owner, offset: offset, limit: limit)
        return Response.json(.object([
            "jobs": .array(page.jobs.map { $0.json }), "offset": .number(Double(offset)), "limit": .number(Double(limit)),
            "total": .number(Double(page.total)),
        ]))
    }

    private func results(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let (offset, limit) = try paging(request, defaultLimit: 100)
        let page = try await repository.results(job: id, owner: context.owner, offset: offset, limit: limit)
        var headers: HTTPFields = [.contentType: "application/x-ndjson"]
        headers[.init("X-Total-Count")!] = "\(page.total)"
        if offset + page.lines.count < page.total { headers[.init("X-Next-Offset")!] = "\(offset + page.lines.count)" }
        let text = page.lines.map { $0 + "\n" }.joined()
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// Server-sent events: one `result` event per finished video (its result line, stored order;
    /// those stored before the request first, or after `Last-Event-ID`), then one `end` event with
    /// the job's status once nothing more will happen. A graceful shutdown ends the stream early.
    private func events(_ request: Request, context: ServerRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        let owner = context.owner
        _ = try await repository.job(id, owner: owner)
        let start = request.headers[.init("Last-Event-ID")!].flatMap { Int64($0) } ?? 0
        let repository = repository, changes = changes, housekeeping = housekeeping
        let body = ResponseBody { writer in
            let (subscription, wakeups) = changes.subscribe(job: id)
            defer { changes.cancel(subscription) }
            var last = start
            for await _ in wakeups {
                // Status first: if the job was final then, every result is already stored.
                let job = try await repository.job(id, owner: owner)
                for result in try await repository.results(job: id, after: last) {
                    try await writer.write(ByteBuffer(string: "id: \(result.sequence)\nevent: result\ndata: \(result.json)\n\n"))
                    last = result.sequence
                }
                if job.isFinal {
                    try await writer.write(ByteBuffer(string: "event: end\ndata: \(job.json.jsonText)\n\n"))
                    break
                }
                if housekeeping.isDraining || Task.isCancelled {
                    try await writer.write(ByteBuffer(string: "event: shutdown\ndata: {\"message\": \"the server is stopping; reconnect with Last-Event-ID\"}\n\n"))
                    break
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }
}

/// `?offset=&limit=`: non-negative integers, limit 1...1000 (default `defaultLimit`).
func paging(_ request: Request, defaultLimit: Int) throws(APIError) -> (offset: Int, limit: Int) {
    let query = request.uri.queryParameters
    func value(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(APIError) -> Int {
        guard let text = query[Substring(name)] else { return fallback }
        guard let number = Int(text), range.contains(number) else {
            throw APIError(.unprocessableContent, field: name, "expected an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }
    return (try value("offset", default: 0, range: 0...Int(Int32.max)), try value("limit", default: defaultLimit, range: 1...1000))
}
