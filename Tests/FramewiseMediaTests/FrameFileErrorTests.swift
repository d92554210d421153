import Foundation
@testable import FramewiseMedia
import Testing

/// Frame files that are missing, cut short, foreign or inconsistent give a `MediaError` naming the file
/// and what is wrong, never a crash or a wrong frame.
@Suite struct FrameFileErrorTests {
    @Test func missingFile() throws {
        try FrameFolder.with { folder in
            let path = folder.file("nowhere/0001.fwf")
            let error = #expect(throws: MediaError.self) { try FrameFile.read(path, videoPath: "v.mp4") }
            #expect(error?.kind == .fileNotFound)
            #expect(error?.path == path && error?.description.contains(path) == true)
        }
    }

    /// Cut inside the pixels, inside the header, and right after the magic.
    @Test(arguments: [100, FrameFileHeader.fixedSize - 1, 8])
    func truncatedFile(keep: Int) throws {
        try FrameFolder.with { folder in
            let bytes = try Self.validFile(in: folder)
            let path = folder.file("cut.fwf")
            try Data(bytes.prefix(keep == 100 ? bytes.count - 100 : keep)).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: MediaError.self) { try FrameFile.read(path, videoPath: "v.mp4") }
            #expect(error?.kind == .invalidFrameFile)
            #expect(error?.path == path)
            #expect(error?.message.contains("truncated") == true, "\(String(describing: error))")
        }
    }

    @Test func wrongMagic() throws {
        try FrameFolder.with { folder in
            var bytes = try Self.validFile(in: folder)
            bytes[0] = UInt8(ascii: "X")
            let error = try Self.readError(bytes, in: folder)
            #expect(error?.kind == .invalidFrameFile)
            #expect(error?.message.contains("not a frame file") == true, "\(String(describing: error))")
        }
    }

    @Test func textFileIsForeign() throws {
        try FrameFolder.with { folder in
            let error = try Self.readError(Array("hello, world\n".utf8), in: folder)
            #expect(error?.kind == .invalidFrameFile)
            #expect(error?.message.contains("not a frame file") == true)
        }
    }

    @Test func newerVersionIsRefused() throws {
        try FrameFolder.with { folder in
            var bytes = try Self.validFile(in: folder)
            bytes[8] = 2  // version, little-endian u16 after the 8-byte magic
            let error = try Self.readError(bytes, in: folder)
            #expect(error?.message.contains("unsupported version 2") == true, "\(String(describing: error))")
        }
    }

    @Test func unknownPixelFormat() throws {
        try FrameFolder.with { folder in
            var bytes = try Self.validFile(in: folder)  // yuv420p
            #expect(bytes[FrameFileHeader.fixedSize..<(FrameFileHeader.fixedSize + 7)].elementsEqual("yuv420p".utf8))
            bytes[FrameFileHeader.fixedSize + 6] = UInt8(ascii: "x")
            let error = try Self.readError(bytes, in: folder)
            #expect(error?.message.contains("unknown pixel format 'yuv420x'") == true, "\(String(describing: error))")
        }
    }

    @Test func trailingBytes() throws {
        try FrameFolder.with { folder in
            let error = try Self.readError(try Self.validFile(in: folder) + [1, 2, 3], in: folder)
            #expect(error?.kind == .invalidFrameFile)
            #expect(error?.message.contains("3 unexpected bytes") == true, "\(String(describing: error))")
        }
    }

    /// A size in the header that does not match the pixel count is caught, not trusted.
    @Test func inconsistentSize() throws {
        try FrameFolder.with { folder in
            var bytes = try Self.validFile(in: folder)
            bytes[12] &+= 2  // width, little-endian i32 after magic, version, header size
            let error = try Self.readError(bytes, in: folder)
            #expect(error?.kind == .invalidFrameFile)
            #expect(error?.message.contains("pixel bytes") == true, "\(String(describing: error))")
        }
    }

    @Test func writeUnderARegularFileFails() throws {
        try FrameFolder.with { folder in
            let blocker = folder.file("blocker")
            _ = try Self.validFile(in: folder)
            try Data([1]).write(to: URL(fileURLWithPath: blocker))
            let frame = try MediaFixtures.frame("h264.mp4", at: 0)
            let path = blocker + "/0000.fwf"
            let error = #expect(throws: MediaError.self) { try FrameFile.write(frame, to: path) }
            #expect(error?.kind == .writeFailed)
            #expect(error?.path == path)
        }
    }

    /// The bytes of a valid frame file (a 320x240 yuv420p frame).
    static func validFile(in folder: FrameFolder) throws -> [UInt8] {
        let path = folder.file("valid.fwf")
        try FrameFile.write(try MediaFixtures.frame("h264.mp4", at: 2), to: path)
        _ = try FrameFile.read(path, videoPath: "v.mp4")
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func readError(_ bytes: [UInt8], in folder: FrameFolder) throws -> MediaError? {
        let path = folder.file("bad.fwf")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: MediaError.self) { try FrameFile.read(path, videoPath: "v.mp4") }
        #expect(error?.path == path)
        return error
    }
}
