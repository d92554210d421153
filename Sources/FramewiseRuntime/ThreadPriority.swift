#if canImport(Glibc)
import Glibc
#endif

/// Lowers the calling thread's CPU priority: the engine's compute threads (decoders, preprocessing,
/// inference) run at a higher nice value under `framewise serve`, so the server's request threads
/// get a core as soon as a request arrives instead of waiting out a compute thread's time slice.
/// Linux gives each thread its own nice value (and threads it starts inherit it); raising it needs
/// no privilege. Elsewhere it does nothing.
public enum ThreadPriority {
    /// Adds `niceness` (0...19) to the calling thread's nice value; returns false where it could not.
    @discardableResult
    public static func lowerCurrentThread(by niceness: Int) -> Bool {
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
}
