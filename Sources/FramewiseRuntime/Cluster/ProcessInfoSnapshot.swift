import Foundation

/// The host name and process id, read once.
struct ProcessInfoSnapshot: Sendable {
    let host: String
    let pid: Int32
    static let current = ProcessInfoSnapshot(host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier)
}
