import FramewiseCore
import Foundation

import Testing

/// FIPS 180-4 test vectors, block boundaries, and hashing a file in chunks.
@Suite struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("The quick brown fox jumps over the lazy dog", "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func vectors(message: String, digest: String) {
        #expect(SHA256.hex(of: Array(message.utf8)) == digest)
    }

    @Test func oneMillionAs() {
        #expect(SHA256.hex(of: [UInt8](repeating: 0x61, count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func pieceByPieceEqualsAtOnce() {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        for cut in [0, 1, 55, 56, 63, 64, 65, 128, 999] {
            var hash = SHA256()
            hash.update(message[..<cut])
            hash.update(Data(message[cut...]))
            #expect(hash.finalize().map { String(format: "%02x", $0) }.joined() == SHA256.hex(of: message), "cut at \(cut)")
        }
    }

    @Test func fileDigestMatchesBytes() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let bytes = (0..<(3 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        try Data(bytes).write(to: url)
        #expect(try SHA256.hex(ofFile: url.path) == SHA256.hex(of: bytes))
        #expect(throws: (any Error).self) { try SHA256.hex(ofFile: url.path + ".missing") }
    }
}
