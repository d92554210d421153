/// Turns a video input as given (a path, or a URL) into the local file the decoder opens. The
/// streaming engine asks it for each video right before decoding; an error fails that video only,
/// with the error's description as its message. Results keep naming the input as given.
public protocol VideoSourceResolver: Sendable {
    func localPath(for input: String) async throws -> String
}
