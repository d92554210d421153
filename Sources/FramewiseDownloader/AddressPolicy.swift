import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Which addresses the downloader may connect to: public ones, plus what the allow-list names.
/// Loopback, link-local, private (RFC 1918, ULA), unspecified and multicast addresses are refused
/// by default, so a URL cannot make the server reach into its own network (SSRF).
public struct AddressPolicy: Sendable {
    private let hosts: Set<String>
    private let networks: [(bytes: [UInt8], prefix: Int)]

    public init(allowList: [String]) {
        var hosts: Set<String> = []
        var networks: [(bytes: [UInt8], prefix: Int)] = []
        for entry in allowList {
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            if let bytes = Self.parse(parts[0]) {
                let prefix = parts.count == 2 ? Int(parts[1]) ?? bytes.count * 8 : bytes.count * 8
                networks.append((bytes, min(max(0, prefix), bytes.count * 8)))
            } else {
                hosts.insert(entry.lowercased())
            }
        }
        self.hosts = hosts
        self.networks = networks
    }

    /// The bytes of an IPv4 or IPv6 literal (nil: not a literal).
    public static func bytes(of text: String) -> [UInt8]? { parse(text) }

    static func parse(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// Whether `address` (4 or 16 bytes) is loopback, link-local, private, unspecified or multicast.
    public static func isInternal(_ a: [UInt8]) -> Bool {
        if a.count == 4 {
            return a[0] == 127 || a[0] == 10 || a[0] == 0 || (a[0] == 172 && (16...31).contains(a[1])) || (a[0] == 192 && a[1] == 168)
                || (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (64...127).contains(a[1])) || a[0] >= 224
        }
        guard a.count == 16 else { return true }
        if a.allSatisfy({ $0 == 0 }) { return true }                                   // ::
        if a[0..<15].allSatisfy({ $0 == 0 }) && a[15] == 1 { return true }             // ::1
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xff && a[11] == 0xff {       // ::ffff:v4
            return isInternal(Array(a[12..<16]))
        }
        return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || a[0] == 0xff
    }

    /// Whether the allow-list lets `host`, resolving to `address`, through.
    public func allows(host: String, address: [UInt8]) -> Bool {
        if hosts.contains(host.lowercased()) { return true }
        return networks.contains { net in
            guard net.bytes.count == address.count else { return false }
            var bits = net.prefix
            for (x, y) in zip(net.bytes, address) where bits > 0 {
                let n = min(8, bits)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - n))
                if x & mask != y & mask { return false }
                bits -= n
            }
            return true
        }
    }

    /// Every address `host` resolves to (4 or 16 bytes each).
    static func resolve(_ host: String) -> [[UInt8]] {
        if let literal = parse(host) { return [literal] }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var out: [[UInt8]] = []
        var node: UnsafeMutablePointer<addrinfo>? = first
        while let n = node {
            if let sa = n.pointee.ai_addr {
                if n.pointee.ai_family == AF_INET {
                    sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                        var a = p.pointee.sin_addr
                        out.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                } else if n.pointee.ai_family == AF_INET6 {
                    sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                        var a = p.pointee.sin6_addr
                        out.append(withUnsafeBytes(of: &a) { Array($0) })
                    }
                }
            }
            node = n.pointee.ai_next
        }
        return out
    }

    /// Checks `url`'s host; throws when it resolves to a refused address.
    func check(_ url: URL, original: String) throws(DownloadError) {
        guard let host = url.host, !host.isEmpty else { throw .invalidURL(original, reason: "no host") }
        let addresses = Self.resolve(host)
        guard !addresses.isEmpty else { throw .unresolvable(url: original, host: host) }
        for a in addresses where Self.isInternal(a) && !allows(host: host, address: a) {
            throw .refusedAddress(url: original, host: host, address: Self.format(a))
        }
    }

    static func format(_ a: [UInt8]) -> String {
        if a.count == 4 { return a.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: a.count, by: 2).map { String(format: "%x", Int(a[$0]) << 8 | Int(a[$0 + 1])) }.joined(separator: ":")
    }
}
