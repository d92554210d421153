import CFFmpeg

/// The fixed part of a frame file, before the pixels. All integers little-endian:
///
/// ```
/// magic "FWFRAME\0" (8) | version u16 | header size u16 | width i32 | height i32
/// color_range u32 | colorspace u32 | color_primaries u32 | color_trc u32 | chroma_location u32
/// sample_aspect_ratio num i32, den i32 | index i64 | sourceIndex i64 | time f64 bits u64
/// pixel bytes u64 | flags u8 (bit 0: keyframe) | pixel format name length u8 | name (UTF-8)
/// ```
///
/// The pixel format travels as its FFmpeg name, since AVPixelFormat numbers change between FFmpeg
/// versions; the colour fields are ITU-T H.273 code points (and FFmpeg's chroma locations), which do not.
/// `header size` is where the pixels start, so a later version may append fields.
struct FrameFileHeader {
    static let magic: [UInt8] = Array("FWFRAME\0".utf8)
    static let version: UInt16 = 1

    var width: Int32
    var height: Int32
    var pixelFormatName: String
    var colorRange: UInt32
    var colorspace: UInt32
    var colorPrimaries: UInt32
    var colorTransfer: UInt32
    var chromaLocation: UInt32
    var sampleAspectRatio: (num: Int32, den: Int32)
    var index: Int64
    var sourceIndex: Int64
    var time: Double
    var isKeyframe: Bool
    /// Bytes of tightly packed pixels after the header (av_image_get_buffer_size with align 1).
    var pixelBytes: UInt64

    /// The header as bytes; the pixels follow directly.
    func encoded() -> [UInt8] {
        let name = Array(pixelFormatName.utf8.prefix(Int(UInt8.max)))
        var out = Self.magic
        out.reserveCapacity(Self.fixedSize + name.count)
        out.appendLittleEndian(Self.version)
        out.appendLittleEndian(UInt16(Self.fixedSize + name.count))
        for value in [width, height] { out.appendLittleEndian(value) }
        for value in [colorRange, colorspace, colorPrimaries, colorTransfer, chromaLocation] { out.appendLittleEndian(value) }
        out.appendLittleEndian(sampleAspectRatio.num)
        out.appendLittleEndian(sampleAspectRatio.den)
        out.appendLittleEndian(index)
        out.appendLittleEndian(sourceIndex)
        out.appendLittleEndian(time.bitPattern)
        out.appendLittleEndian(pixelBytes)
        out.append(isKeyframe ? 1 : 0)
        out.append(UInt8(name.count))
        out += name
        return out
    }

    /// Bytes before the pixel format name.
    static let fixedSize = 8 + 2 + 2 + 4 * 2 + 4 * 5 + 4 * 2 + 8 * 4 + 1 + 1

    /// Reads a header from the start of `bytes`; returns it and where the pixels start.
    /// Throws `.invalidFrameFile` naming `path` and the first thing that is wrong.
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(MediaError) -> (header: FrameFileHeader, pixelOffset: Int) {
        func invalid(_ message: String) -> MediaError { MediaError(.invalidFrameFile, path: path, message: message) }
        guard bytes.count >= magic.count, bytes.prefix(magic.count).elementsEqual(magic) else {
            throw invalid("not a frame file (no FWFRAME magic at the start; \(bytes.count) bytes)")
        }
        var reader = LittleEndianReader(bytes: bytes, offset: magic.count)
        guard bytes.count >= fixedSize else {
            throw invalid("truncated header: \(bytes.count) bytes, the fixed header alone has \(fixedSize)")
        }
        let version = reader.read(UInt16.self)
        guard version == Self.version else { throw invalid("unsupported version \(version) (this build reads \(Self.version))") }
        let headerSize = Int(reader.read(UInt16.self))
        let width = reader.read(Int32.self), height = reader.read(Int32.self)
        let colour = (0..<5).map { _ in reader.read(UInt32.self) }
        let sar = (num: reader.read(Int32.self), den: reader.read(Int32.self))
        let index = reader.read(Int64.self), sourceIndex = reader.read(Int64.self)
        let time = Double(bitPattern: reader.read(UInt64.self))
        let pixelBytes = reader.read(UInt64.self)
        let flags = reader.read(UInt8.self)
        let nameLength = Int(reader.read(UInt8.self))
        guard headerSize == fixedSize + nameLength else {
            throw invalid("header size \(headerSize) does not match its pixel format name length \(nameLength)")
        }
        guard bytes.count >= headerSize else {
            throw invalid("truncated header: \(bytes.count) bytes, the header has \(headerSize)")
        }
        let name = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[fixedSize..<headerSize]), as: UTF8.self)
        let header = FrameFileHeader(
            width: width, height: height, pixelFormatName: name,
            colorRange: colour[0], colorspace: colour[1], colorPrimaries: colour[2], colorTransfer: colour[3],
            chromaLocation: colour[4], sampleAspectRatio: sar, index: index, sourceIndex: sourceIndex, time: time,
            isKeyframe: flags & 1 != 0, pixelBytes: pixelBytes)
        return (header, headerSize)
    }
}

/// Reads little-endian integers from a buffer whose length the caller has already checked.
private struct LittleEndianReader {
    let bytes: UnsafeRawBufferPointer
    var offset: Int

    mutating func read<T: FixedWidthInteger>(_: T.Type) -> T {
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }
}

extension [UInt8] {
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
