#if canImport(Glibc)
import Glibc
#endif

/// How far below normal the engine's compute threads (decoders, preprocessing, inference) run.
/// `framewise serve` lowers them so that its request threads get a core as soon as a request
/// arrives instead of waiting out a compute thread's time slice.
public struct ComputePriority: Sendable, Equatable {
    /// Nice value added (0...19).
    public var niceness: Int
    /// Linux's `SCHED_IDLE` policy as well: any thread of normal policy that wakes up preempts
    /// these at once (a nice value only weights the shares, and a woken thread may still wait a
    /// slice); they still get every core nothing else wants. Where other processes keep the
    /// cores busy, such threads get almost nothing.
    public var idlePolicy: Bool

    public init(niceness: Int = 0, idlePolicy: Bool = false) {
        self.niceness = niceness
        self.idlePolicy = idlePolicy
    }

    /// Normal priority: nothing changed.
    public static let normal = ComputePriority()
}

/// Lowers the calling thread's CPU priority and names it for the OS. Linux gives each thread its
/// own nice value and policy (and threads it starts inherit them); lowering needs no privilege.
/// Elsewhere it does nothing.
public enum ThreadPriority {
    /// Applies `priority` to the calling thread; returns false where part of it could not be applied.
    @discardableResult
    public static func lowerCurrentThread(to priority: ComputePriority) -> Bool {
        var applied = lowerCurrentThread(by: priority.niceness)
        #if os(Linux)
        if priority.idlePolicy {
            var parameters = sched_param(sched_priority: 0)
            applied = sched_setscheduler(0, schedIdle, &parameters) == 0 && applied
        }
        #endif
        return applied
    }

    /// Adds `niceness` (0...19) to the calling thread's nice value; returns false where it could not.
    private static func lowerCurrentThread(by niceness: Int) -> Bool {
        guard niceness > 0 else { return true }
        #if os(Linux)
        let tid: id_t = 0  // Linux: 0 is the calling thread (its task), not the whole process
        errno = 0
        let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid)
        guard errno == 0 else { return false }
        return setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, min(19, current + Int32(min(niceness, 19)))) == 0
        #else
        return false
        #endif
    }

    /// Names the calling thread for the OS (`top -H`, `perf`, `/proc/PID/task/*/comm`; 15 bytes
    /// kept). Foundation's `Thread.name` does not reach the OS on Linux, where a thread started
    /// from a dispatch worker would otherwise show as that worker.
    public static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        // The calling thread's own file (pthread_setname_np is not in Swift's Glibc module).
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #endif
    }

    /// The calling thread's nice value (nil where it cannot be read).
    public static var currentNiceness: Int? {
        #if os(Linux)
        errno = 0
        let value = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        return errno == 0 ? Int(value) : nil
        #else
        return nil
        #endif
    }

    /// Whether the calling thread runs under `SCHED_IDLE` (false where unknown).
    public static var currentIsIdlePolicy: Bool {
        #if os(Linux)
        return sched_getscheduler(0) == schedIdle
        #else
        return false
        #endif
    }

    /// The calling thread's name as the OS shows it (nil where unknown).
    public static var currentName: String? {
        #if os(Linux)
        let fd = open("/proc/thread-self/comm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        var bytes = buffer.prefix(count)
        while bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
        #else
        return nil
        #endif
    }

    /// `SCHED_IDLE` (linux/sched.h; not exported without _GNU_SOURCE).
    private static let schedIdle: Int32 = 5
}
