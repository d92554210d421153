import FramewiseCore
import FramewiseRedis
import Synchronization

/// A small message like the engine's: a video and a frame number.
struct FrameMessage: Codable, Sendable, Equatable, Hashable {
    var video: String
    var frame: Int
}

extension RedisServerFixture {
    /// A broker on this server with test-friendly settings.
    func broker(
        maxLength: Int = 1000, maxDeliveries: Int = 3, poolSize: Int = 8, blockTimeout: Duration = .milliseconds(200)
    ) -> RedisStreamsBroker<FrameMessage> {
        RedisStreamsBroker(configuration: RedisStreamsBrokerConfiguration(
            connection: configuration, keyPrefix: "test", maxLength: maxLength, maxDeliveries: maxDeliveries,
            blockTimeout: blockTimeout, poolSize: poolSize
        ))
    }
}

func frames(_ range: Range<Int>, video: String = "v1") -> [FrameMessage] {
    range.map { FrameMessage(video: video, frame: $0) }
}

/// A value shared between test tasks, behind a lock (a class, so closures can capture it).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
