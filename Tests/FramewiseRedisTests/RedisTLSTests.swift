import Foundation
import FramewiseRedis
import Testing

/// Makes a CA and a server certificate for 127.0.0.1/localhost with the `openssl` tool.
private func makeCertificates(in directory: URL) throws -> RedisServerFixture.TLSFiles {
    func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw FixtureError("openssl \(arguments.first ?? "") failed") }
    }
    try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(to: directory.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
    try openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Framewise Test CA"])
    try openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"])
    try openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "server.pem", "-days", "1", "-extfile", "ext.cnf"])
    let path = { (name: String) in directory.appendingPathComponent(name).path }
    return .init(certificate: path("server.pem"), key: path("server.key"), ca: path("ca.pem"))
}

@Suite("Redis over TLS against redis-server's tls-port")
struct RedisTLSTests {
    @Test(
        "TLS connection with a private CA; an untrusted server certificate is refused",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "needs the openssl tool")
    )
    func tls() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("framewise-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try makeCertificates(in: directory)
        let server = try await RedisServerFixture.start(tls: files)

        var configuration = try RedisConnectionConfiguration(url: server.url)
        #expect(configuration.tls != nil)
        configuration.tls?.caCertificatePath = files.ca
        configuration.tls?.serverHostname = "localhost"
        let connection = try await RedisConnection.connect(to: configuration)
        #expect(try await connection.pipeline([RESPCommand("SET", "k", "tls"), RESPCommand("GET", "k")]) == [.simpleString("OK"), .bulk("tls")])
        await connection.close()

        // The system trust store does not know our CA.
        var untrusted = configuration
        untrusted.tls?.caCertificatePath = nil
        await #expect(throws: RedisError.self) { try await RedisConnection.connect(to: untrusted) }
    }
}
