import Foundation
import FramewiseDownloader
import FramewiseRuntime

/// A `POST /v1/jobs` body, checked field by field: each problem is an `APIError` naming the field.
struct JobSubmission {
    var pipeline: String
    var videos: [String]
    var priority: Int
    var slo: Double?

    /// The body as sent; every field optional so that a missing one is reported by name.
    struct Body: Decodable {
        var pipeline: String?
        var videos: [String]?
        var priority: Int?
        var slo: String?
    }

    /// Parses `data`: 400 for malformed JSON or a body that is not an object, 422 for a missing or
    /// ill-typed field or a bad SLO.
    static func parse(_ data: Data) throws(APIError) -> (pipeline: String, videos: [String], priority: Int, slo: Double?) {
        let body: Body
        do {
            body = try JSONDecoder().decode(Body.self, from: data)
        } catch let DecodingError.typeMismatch(type, context) where !context.codingPath.isEmpty {
            throw APIError(.unprocessableContent, field: fieldName(context.codingPath), "expected \(typeName(type))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw APIError(.unprocessableContent, field: fieldName(context.codingPath), "invalid value")
        } catch DecodingError.typeMismatch {
            throw APIError(.badRequest, "the body must be a JSON object")
        } catch {
            throw APIError(.badRequest, "the body is not valid JSON")
        }
        return try check(body)
    }

    /// Checks the fields of a submission, however it came (JSON, or a multipart form).
    static func check(_ body: Body) throws(APIError) -> (pipeline: String, videos: [String], priority: Int, slo: Double?) {
        guard let pipeline = body.pipeline, !pipeline.isEmpty else { throw APIError(.unprocessableContent, field: "pipeline", "required: the name of a served pipeline") }
        guard let videos = body.videos else { throw APIError(.unprocessableContent, field: "videos", "required: a list of video paths or URLs") }
        guard !videos.isEmpty else { throw APIError(.unprocessableContent, field: "videos", "give at least one video") }
        // By bytes: `hasPrefix` compares grapheme clusters, and "/" followed by a combining mark is one.
        for (index, path) in videos.enumerated() where path.utf8.first != UInt8(ascii: "/") && !Downloader.isURL(path) {
            throw APIError(.unprocessableContent, field: "videos[\(index)]",
                           "give an absolute path (a file or folder under an allowed root) or an http(s) URL")
        }
        let priority = body.priority ?? 0
        guard priorities.contains(priority) else {
            throw APIError(.unprocessableContent, field: "priority", "expected an integer in \(priorities.lowerBound)...\(priorities.upperBound)")
        }
        var slo: Double?
        if let text = body.slo {
            // Exactly the OpenAPI pattern: a positive number below 100000 with its unit, so it always fits the engine's clock.
            guard text.wholeMatch(of: sloPattern) != nil, let seconds = try? PlanningUnits.seconds(text), seconds > 0 else {
                throw APIError(.unprocessableContent, field: "slo", "expected a positive duration with its unit, e.g. \"2s\", \"500ms\" or \"1.5min\"")
            }
            slo = seconds
        }
        return (pipeline, videos, priority, slo)
    }

    /// Accepted priorities (higher runs first).
    static let priorities = -1000...1000

    /// An SLO as the OpenAPI document's pattern has it.
    nonisolated(unsafe) static let sloPattern = #/([1-9][0-9]{0,4}(\.[0-9]{1,3})?|0\.[0-9]{0,2}[1-9])(us|ms|s|min|m|h)/#

    private static func fieldName(_ path: [any CodingKey]) -> String {
        path.reduce("") { name, key in
            if let index = key.intValue { return "\(name)[\(index)]" }
            return name.isEmpty ? key.stringValue : "\(name).\(key.stringValue)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is [String].Type: "a list of strings"
        default: "another type"
        }
    }
}
