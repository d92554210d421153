import NIOSSL

/// How to speak TLS to Redis (`rediss://`, or Redis' `tls-port`).
///
/// Paths are PEM files. By default the server certificate is verified against the system
/// trust store and the host name; `caCertificatePath` replaces the trust store (self-signed
/// servers), `verifyCertificate = false` turns verification off (tests only).
public struct RedisTLSConfiguration: Sendable, Equatable {
    /// PEM file of the certificate authorities to trust; `nil` for the system's.
    public var caCertificatePath: String?
    /// PEM certificate chain to present (mutual TLS, `tls-auth-clients yes`); needs `privateKeyPath`.
    public var certificateChainPath: String?
    /// PEM private key of `certificateChainPath`.
    public var privateKeyPath: String?
    /// Verify the server's certificate (and its name, unless `verifyHostname` is false). Default true.
    public var verifyCertificate: Bool
    /// Also check the certificate names the host. Default true.
    public var verifyHostname: Bool
    /// The name sent as SNI and checked against the certificate; `nil` for the connection's host
    /// (not sent when that is an IP address).
    public var serverHostname: String?

    /// Verifying TLS with the given trust and identity files.
    public init(
        caCertificatePath: String? = nil,
        certificateChainPath: String? = nil,
        privateKeyPath: String? = nil,
        verifyCertificate: Bool = true,
        verifyHostname: Bool = true,
        serverHostname: String? = nil
    ) {
        self.caCertificatePath = caCertificatePath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.verifyCertificate = verifyCertificate
        self.verifyHostname = verifyHostname
        self.serverHostname = serverHostname
    }

    /// The NIOSSL client configuration this describes. Throws `RedisError.invalidConfiguration`
    /// when a file cannot be read or only one of certificate and key is given.
    public func makeTLSConfiguration() throws(RedisError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = !verifyCertificate ? .none : (verifyHostname ? .fullVerification : .noHostnameVerification)
        do {
            if let ca = caCertificatePath {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            }
            switch (certificateChainPath, privateKeyPath) {
            case let (chain?, key?):
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(chain).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            case (nil, nil):
                break
            default:
                throw RedisError.invalidConfiguration("TLS client certificate and private key must be given together")
            }
        } catch let error as RedisError {
            throw error
        } catch {
            throw .invalidConfiguration("TLS: \(error)")
        }
        return tls
    }
}
