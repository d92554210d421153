import Foundation
import FramewiseCore

/// Which stored frames nobody needs any more: those of jobs the store no longer has (a run
/// that was killed, or whose state Redis lost) and of a job's epochs before its current one,
/// once untouched for a grace period (a decoder may still be writing a late frame). Pure.
enum OrphanFrames {
    /// `epochs`: the current epoch of each job the store still has.
    static func select(_ stored: [StoredFrameEpoch], epochs: [String: Int], now: Date, grace: Duration) -> [StoredFrameEpoch] {
        stored.filter { entry in
            guard now.timeIntervalSince(entry.lastChange) >= grace.seconds else { return false }
            return epochs[entry.job] != entry.epoch
        }
    }
}

extension ClusterContext {
    /// Removes orphaned frames (see `OrphanFrames`); returns what was removed. Does nothing
    /// while the store is unreachable.
    @discardableResult
    func sweepOrphanFrames(now: Date = Date()) async -> [StoredFrameEpoch] {
        let stored = frames.storedEpochs()
        guard !stored.isEmpty else { return [] }
        var epochs: [String: Int] = [:]
        for job in Set(stored.map(\.job)) {
            guard let check = try? await store.check(job: job) else { return [] }
            if let epoch = check.jobEpoch { epochs[job] = epoch }
        }
        let orphans = OrphanFrames.select(stored, epochs: epochs, now: now, grace: options.orphanGrace)
        for orphan in orphans { frames.removeEpoch(job: orphan.job, epoch: orphan.epoch) }
        return orphans
    }
}
