import Hummingbird

/// The request context of every route: who is asking (the token's id once authenticated; nil
/// when the server runs without tokens, which then means "any job").
struct ServerRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// The id of the bearer token that authenticated the request.
    var owner: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        owner = nil
    }

    /// Job submissions are small JSON documents.
    var maxUploadSize: Int { 1 << 20 }
}
