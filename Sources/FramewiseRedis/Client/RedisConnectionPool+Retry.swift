import FramewiseCore
import Logging

extension RedisConnectionPool {
    /// Runs `body` on a pooled connection, retrying up to `attempts` times (waiting per
    /// `backoff`) when the connection was lost or the server is still loading its data after a
    /// restart, and maps Redis errors to `BrokerError`.
    nonisolated func withRetries<T: Sendable>(
        attempts: Int, backoff: RedisBackoff, logger: Logger, _ body: (RedisConnection) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await withConnection(body)
            } catch let error as RedisError {
                if error == .closed { throw BrokerError.closed }
                let transient = error.isConnectionLoss || error.serverErrorCode == "LOADING"
                guard transient, attempt + 1 < attempts else {
                    throw BrokerError.connection(error.description)
                }
                logger.info("redis retrying after a transient error", metadata: ["error": "\(error)"])
                try await Task.sleep(for: backoff.delay(attempt: attempt))
                attempt += 1
            }
        }
    }
}
