import FramewiseCore
import Synchronization

/// The suspending halves of `publish` and `consume`: register a continuation under the lock,
/// get resumed by whoever frees space or publishes, by the wait's timer, by cancellation or close.
extension InProcessBroker {
    func nextWaiterID() -> UInt64 { waiterIDs.wrappingAdd(1, ordering: .relaxed).newValue }

    func publishWhenSpace(_ messages: [Message], to topic: String) async throws -> [DeliveryID] {
        let id = nextWaiterID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[DeliveryID], any Error>) in
                let wakeups = state.withLock { state -> [BrokerWakeup<Message>] in
                    if state.closed { return [.published(continuation, .failure(BrokerError.closed))] }
                    let log = state.topic(topic)
                    log.publishWaiters.append(PublishWaiter(id: id, messages: messages, continuation: continuation))
                    let published = log.servePublishers()
                    return published + log.serveConsumers(now: state.configuration.now())
                }
                wakeups.run()
                if Task.isCancelled { cancelPublish(id, topic: topic) }
            }
        } onCancel: {
            cancelPublish(id, topic: topic)
        }
    }

    /// Withdraws a suspended publish; messages it already appended stay published.
    func cancelPublish(_ id: UInt64, topic: String) {
        let waiter = state.withLock { state -> PublishWaiter<Message>? in
            guard let log = state.topics[topic], let index = log.publishWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            return log.publishWaiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: CancellationError())
    }

    func consumeWhenPublished(from topic: String, group: String, consumer: String, max: Int, wait: Duration) async throws -> [Delivery<Message>] {
        let id = nextWaiterID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Delivery<Message>], any Error>) in
                let immediate = state.withLock { state -> Result<[Delivery<Message>], any Error>? in
                    if state.closed { return .failure(BrokerError.closed) }
                    let ready = Self.take(&state, topic: topic, group: group, consumer: consumer, max: max)
                    if !ready.isEmpty { return .success(ready) }
                    state.topic(topic).consumeWaiters.append(
                        ConsumeWaiter(id: id, group: group, consumer: consumer, max: max, continuation: continuation))
                    return nil
                }
                if let immediate { return continuation.resume(with: immediate) }
                let timer = Task { [self] in
                    try? await Task.sleep(for: wait)
                    if !Task.isCancelled { endConsumeWait(id, topic: topic, with: .success([])) }
                }
                let orphaned = state.withLock { state -> Bool in
                    guard let log = state.topics[topic], let index = log.consumeWaiters.firstIndex(where: { $0.id == id }) else { return true }
                    log.consumeWaiters[index].timer = timer
                    return false
                }
                if orphaned { timer.cancel() }
                if Task.isCancelled { endConsumeWait(id, topic: topic, with: .failure(CancellationError())) }
            }
        } onCancel: {
            endConsumeWait(id, topic: topic, with: .failure(CancellationError()))
        }
    }

    /// Ends a consume wait that nothing served: time-out (empty) or cancellation.
    func endConsumeWait(_ id: UInt64, topic: String, with result: Result<[Delivery<Message>], any Error>) {
        let waiter = state.withLock { state -> ConsumeWaiter<Message>? in
            guard let log = state.topics[topic], let index = log.consumeWaiters.firstIndex(where: { $0.id == id }) else { return nil }
            return log.consumeWaiters.remove(at: index)
        }
        guard let waiter else { return }
        BrokerWakeup<Message>.delivered(waiter.continuation, result, timer: waiter.timer).run()
    }
}
