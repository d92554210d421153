/// Why a request submitted to a `BatcherDriver` got no result (a failing batch rethrows the
/// error of `runBatch` instead).
public struct BatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The request was dropped before it ran.
        case dropped(DropReason)
        /// `runBatch` returned `actual` results for `expected` payloads.
        case resultCountMismatch(expected: Int, actual: Int)
    }

    /// What went wrong.
    public var kind: Kind
    /// The batcher's name (usually the model's).
    public var batcher: String

    /// An error of `batcher`.
    public init(_ kind: Kind, batcher: String) {
        self.kind = kind
        self.batcher = batcher
    }

    public var description: String {
        switch kind {
        case .dropped(.deadlineExpired): "\(batcher): request dropped, its deadline passed before it could run"
        case .dropped(.cancelled): "\(batcher): request cancelled"
        case .dropped(.shutdown): "\(batcher): batcher shut down"
        case let .resultCountMismatch(expected, actual): "\(batcher): batch of \(expected) returned \(actual) results"
        }
    }
}
