import Foundation
import FramewiseRuntime

/// A `POST /v1/jobs` body, checked field by field: each problem is an `APIError` naming the field.
struct JobSubmission {
    var pipeline: String
    var videos: [String]
    var priority: Int
    var slo: Double?

    /// The body as sent; every field optional so that a missing one is reported by name.
    private struct Body: Decodable {
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
        guard let pipeline = body.pipeline, !pipeline.isEmpty else { throw APIError(.unprocessableContent, field: "pipeline", "required: the name of a served pipeline") }
        guard let videos = body.videos else { throw APIError(.unprocessableContent, field: "videos", "required: a list of video paths") }
        guard !videos.isEmpty else { throw APIError(.unprocessableContent, field: "videos", "give at least one video") }
        var slo: Double?
        if let text = body.slo {
            do { slo = try PlanningUnits.seconds(text) } catch { throw APIError(.unprocessableContent, field: "slo", "\(error); e.g. \"2s\" or \"500ms\"") }
            guard let seconds = slo, seconds > 0, seconds.isFinite else { throw APIError(.unprocessableContent, field: "slo", "must be positive") }
        }
        return (pipeline, videos, body.priority ?? 0, slo)
    }

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
