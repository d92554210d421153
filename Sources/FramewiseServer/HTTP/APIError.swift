import FramewiseCore
import Hummingbird

/// An error a route answers with: a status and `{"error": {"field": ..., "message": ...}}`.
/// Messages name what the client sent (a field, a path); never a secret or a server path it did not send.
struct APIError: HTTPResponseError {
    var status: HTTPResponse.Status
    /// The request field at fault (`pipeline`, `videos[2]`, `Authorization`), if one.
    var field: String?
    var message: String
    var headers: HTTPFields = [:]

    init(_ status: HTTPResponse.Status, field: String? = nil, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.field = field
        self.message = message
        self.headers = headers
    }

    var json: JSONValue {
        .object(["error": .object(["field": field.map(JSONValue.string) ?? .null, "message": .string(message)])])
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response.json(json, status: status, headers: headers)
    }
}

extension Response {
    /// `value` as an `application/json` response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: value.jsonText + "\n")))
    }

    /// This response, then `after` once its body is written (or failed to be: a client gone
    /// mid-answer): for work the client need not wait for, such as waking the dispatchers (a woken
    /// dispatcher's claim, run at once on this core, would otherwise delay the answer). Should the
    /// body never be written at all, housekeeping's once-a-second wake-up still reaches them.
    func then(_ after: @escaping @Sendable () -> Void) -> Response {
        var response = self
        let body = response.body
        response.body = ResponseBody(contentLength: body.contentLength) { writer in
            defer { after() }
            try await body.write(writer)
        }
        return response
    }
}
