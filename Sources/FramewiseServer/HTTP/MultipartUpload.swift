import Foundation
import Hummingbird
import MultipartKit

/// A `multipart/form-data` job submission, streamed to disk: text fields `pipeline`, `priority`
/// and `slo`, and one file part per video (any part with a filename). Files go to `folder` as they
/// arrive; more than `maxBytes` in the body is a 413 and leaves nothing behind.
struct MultipartUpload {
    var fields: [String: String] = [:]
    /// The stored files, in the order they came.
    var files: [String] = []

    /// The boundary of a `multipart/form-data` content type, nil for any other type.
    static func boundary(of contentType: String?) -> String?? {
        guard let contentType else { return nil }
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return .some((1...70).contains(value.utf8.count) ? value : nil)
            }
        }
        return .some(nil)
    }

    /// Reads the body of `request` into `folder`. Throws an `APIError` (400 malformed, 413 too
    /// large); the caller removes `folder` on any error.
    static func receive(_ request: Request, boundary: String, into folder: String, maxBytes: Int64) async throws -> MultipartUpload {
        let state = UploadState(folder: folder)
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in state.header(name, value) }
        parser.onBody = { buffer in state.body(&buffer) }
        parser.onPartComplete = { state.complete() }
        var received: Int64 = 0
        defer { state.closeFile() }
        for try await buffer in request.body {
            received += Int64(buffer.readableBytes)
            guard received <= maxBytes else { throw tooLarge(maxBytes) }
            do { try parser.execute(buffer) } catch { throw APIError(.badRequest, "the multipart body is malformed") }
            if let error = state.error { throw error }
        }
        guard state.parts > 0, !state.inPart else { throw APIError(.badRequest, "the multipart body ended before its closing boundary") }
        return MultipartUpload(fields: state.fields, files: state.files)
    }

    static func tooLarge(_ maxBytes: Int64) -> APIError {
        APIError(.contentTooLarge, field: "video", "the upload is larger than \(maxBytes) bytes (--max-upload)")
    }
}

/// The parser's callbacks' state: the current part's headers, its field text or open file.
private final class UploadState {
    let folder: String
    var fields: [String: String] = [:]
    var files: [String] = []
    var error: APIError?
    var parts = 0
    var inPart = false
    private var headers: [(String, String)] = []
    private var started = false
    private var fieldName: String?
    private var fieldText = Data()
    private var file: FileHandle?

    init(folder: String) { self.folder = folder }

    func header(_ name: String, _ value: String) {
        inPart = true
        headers.append((name.lowercased(), value))
    }

    /// Decides what the part is once its headers are in: a file (with a filename) or a text field.
    private func start() {
        guard !started else { return }
        started = true
        inPart = true
        let disposition = headers.first { $0.0 == "content-disposition" }?.1 ?? ""
        let parameters = Self.parameters(disposition)
        guard let name = parameters["name"] else {
            error = APIError(.badRequest, "a multipart part has no name (Content-Disposition: form-data; name=...)")
            return
        }
        if parameters["filename"] != nil {
            let path = folder + "/" + UploadStore.safeName(parameters["filename"], index: files.count)
            guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                error = APIError(.internalServerError, "cannot store the upload")
                return
            }
            file = handle
            files.append(path)
        } else {
            fieldName = name
            fieldText = Data()
        }
    }

    func body(_ buffer: inout ByteBuffer) {
        start()
        guard error == nil else { return }
        if let file {
            do { try file.write(contentsOf: buffer.readableBytesView) } catch { self.error = APIError(.internalServerError, "cannot store the upload") }
        } else if let fieldName {
            fieldText.append(contentsOf: buffer.readableBytesView)
            if fieldText.count > 65_536 { error = APIError(.contentTooLarge, field: fieldName, "the field is longer than 65536 bytes") }
        }
        buffer.moveReaderIndex(to: buffer.writerIndex)
    }

    func complete() {
        start()
        closeFile()
        if let fieldName {
            guard let text = String(data: fieldText, encoding: .utf8) else {
                error = error ?? APIError(.unprocessableContent, field: fieldName, "expected UTF-8 text")
                return
            }
            fields[fieldName] = text
        }
        fieldName = nil
        headers = []
        started = false
        inPart = false
        parts += 1
    }

    func closeFile() {
        try? file?.close()
        file = nil
    }

    /// `form-data; name="video"; filename="a.mp4"` -> ["name": "video", "filename": "a.mp4"].
    static func parameters(_ header: String) -> [String: String] {
        var out: [String: String] = [:]
        for item in header.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            out[pair[0].lowercased()] = value
        }
        return out
    }
}
