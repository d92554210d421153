import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request over a plain socket, reading until `until` appears in what came back or
/// `timeout` passes: for streams (server-sent events) and for replies whose headers URLSession
/// would act on (redirects, cookies). Returns everything read. The blocking socket runs on a
/// thread of its own, never on the cooperative pool the server under test needs.
func rawHTTP(port: Int, _ request: String, until: String, timeout: Double = 10) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try blockingHTTP(port: port, request, until: until, timeout: timeout) })
        }
    }
}

private func blockingHTTP(port: Int, _ request: String, until: String, timeout: Double) throws -> String {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw TestFailure("connect to port \(port): \(errno)") }
    var slice = timeval(tv_sec: 0, tv_usec: 200_000)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &slice, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(request.utf8)
    guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw TestFailure("send: \(errno)") }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n > 0 {
            received.append(contentsOf: buffer[0..<n])
            if String(decoding: received, as: UTF8.self).contains(until) { break }
        } else if n == 0 {
            break  // closed
        }
    }
    return String(decoding: received, as: UTF8.self)
}
