import CFFmpeg
import FramewiseCore

/// What a prescan of the video stream's packets (demuxing only, no decoding) says about which frames a
/// sampling policy will keep, so the decoder can skip or jump over the others without changing the result.
///
/// Built only when every packet has a unique presentation timestamp, none is flagged corrupt and reading
/// reaches the end cleanly. Then each packet is one frame, and a frame's position in presentation order
/// (its rank, = `sourceIndex`) is the rank of its pts among all packets' pts. Running a `FrameSampler`
/// over the ranked times gives exactly the frames a full decode would keep (the sampler only looks at
/// times and order), so:
/// - a frame that is not needed may be discarded if it is a non-reference frame (AVDISCARD_NONREF,
///   set per packet), on codecs where "non-reference" means "nothing refers to it" (`skipNonRefIsExact`);
/// - a needed frame can be decoded from a *seek point* instead of from where the decoder is: a keyframe K
///   at or before it in decode order with pts <= its pts, that is a closed random-access point for every
///   later frame in display order (H.264 IDR; H.265 IRAP; keyframes of MPEG-1/2/4 part 2, MS-MPEG4 and
///   H.263, VP8/VP9/AV1, intra-only codecs), that every packet before it presents earlier (pts), and that
///   the container's index can seek to.
/// The decoder checks at run time that every decoded frame's pts is one the plan knows; if not, it stops
/// using the plan.
struct DecodePlan {
    struct Packet {
        let pts: Int64
        let pos: Int64
        /// Flagged AV_PKT_FLAG_DISCARD (edit lists): decoded as a reference, never output.
        let isDiscard: Bool
        /// Timestamp to pass to av_seek_frame to land on this packet, if it is a usable seek point.
        var seekTimestamp: Int64?
    }

    /// Packets in decode order.
    private(set) var packets: [Packet] = []
    /// Decode ordinal of each packet, by pts.
    private(set) var ordinalByPts: [Int64: Int] = [:]
    /// Presentation rank of each (non-discarded) frame, by pts.
    private(set) var rankByPts: [Int64: Int] = [:]
    /// Seconds from the stream start, by rank.
    private(set) var times: [Double] = []
    /// Whether the sampler keeps the frame, by rank.
    private(set) var needed: [Bool] = []
    /// Needed ranks, ascending.
    private(set) var neededRanks: [Int] = []
    /// Decode ordinal of each rank's packet.
    private(set) var ordinalOfRank: [Int] = []
    /// For each rank: the decode ordinal of the seek point it can be decoded from, if any.
    private(set) var seekOrdinalOfRank: [Int?] = []
    /// The stream origin used for times (the stream's start_time, else the first frame's pts).
    let origin: Int64
    /// Whether AVDISCARD_NONREF only drops frames nothing refers to (see `skipNonRefIsExact(_:)`).
    let skipNonRef: Bool
    /// How many packets are usable seek points.
    private(set) var seekPointCount = 0

    var frameCount: Int { times.count }

    func isNeeded(ordinal: Int) -> Bool {
        let packet = packets[ordinal]
        guard !packet.isDiscard, let rank = rankByPts[packet.pts] else { return false }
        return needed[rank]
    }

    /// Why a plan could not be built (for the debug log).
    struct Unavailable: Error { let reason: String }

    /// Prescans `path`'s stream `streamIndex`. `startTime` is the stream's start_time (or AV_NOPTS_VALUE).
    static func build(path: String, streamIndex: Int32, policy: SamplingPolicy, duration: Double?,
                      codecpar: UnsafeMutablePointer<AVCodecParameters>, allowSeek: Bool,
                      startTime: Int64) throws(Unavailable) -> DecodePlan {
        let handles = DecoderHandles()
        guard let index = try? VideoDecoder.openInput(path, into: handles), index == streamIndex,
              let format = handles.format, let stream = format.pointee.streams[Int(index)],
              let packet = av_packet_alloc() else { throw Unavailable(reason: "cannot reopen for the prescan") }
        defer { var p: UnsafeMutablePointer<AVPacket>? = packet; av_packet_free(&p) }
        let codecID = codecpar.pointee.codec_id
        let nalLengthSize = Self.nalLengthSize(codecpar)
        let nopts = fw_av_nopts_value()
        var packets: [Packet] = []
        var ordinalByPts: [Int64: Int] = [:]
        var randomAccess: [Bool] = []
        while true {
            let result = av_read_frame(format, packet)
            if result == fw_averror_eof() { break }
            if result < 0 { throw Unavailable(reason: "read error in the prescan") }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == index else { continue }
            let p = packet.pointee
            guard p.pts != nopts else { throw Unavailable(reason: "a packet without pts") }
            guard p.flags & AV_PKT_FLAG_CORRUPT == 0 else { throw Unavailable(reason: "a corrupt packet") }
            guard ordinalByPts.updateValue(packets.count, forKey: p.pts) == nil else {
                throw Unavailable(reason: "duplicate pts")
            }
            let isKey = p.flags & AV_PKT_FLAG_KEY != 0
            randomAccess.append(allowSeek && isKey && Self.isClosedRandomAccess(codecID, packet, nalLengthSize: nalLengthSize))
            packets.append(Packet(pts: p.pts, pos: p.pos, isDiscard: p.flags & AV_PKT_FLAG_DISCARD != 0))
        }
        let frames = packets.filter { !$0.isDiscard }.map(\.pts).sorted()
        guard let first = frames.first else { throw Unavailable(reason: "no frames") }
        let origin = startTime != nopts ? startTime : first
        var plan = DecodePlan(origin: origin, skipNonRef: Self.skipNonRefIsExact(codecpar))
        plan.packets = packets
        plan.ordinalByPts = ordinalByPts
        let timeBase = av_q2d(stream.pointee.time_base)
        plan.times = frames.map { Double($0 - origin) * timeBase }
        plan.rankByPts = Dictionary(uniqueKeysWithValues: frames.enumerated().map { ($1, $0) })
        plan.ordinalOfRank = frames.map { ordinalByPts[$0] ?? 0 }

        // The sampler over the ranked times: the frames a full decode keeps.
        guard var sampler = FrameSampler(policy: policy, duration: duration) else { throw Unavailable(reason: "sampling") }
        plan.needed = plan.times.map { sampler.offer(time: $0, isKeyframe: false) }
        if sampler.finish() { plan.needed[plan.needed.count - 1] = true }
        plan.neededRanks = plan.needed.indices.filter { plan.needed[$0] }

        // Seek points: closed random-access keyframes the index can land on, with everything before them
        // in decode order presented before them.
        if allowSeek, Self.hasFullIndex(format) {
            // Matroska reads its cues (written after the clusters) at the first seek: seek once to load them.
            _ = av_seek_frame(format, index, startTime != nopts ? startTime : first, AVSEEK_FLAG_BACKWARD)
            let targets = Self.indexTimestamps(stream)
            var maxPtsBefore = Int64.min
            for i in packets.indices {
                let packet = packets[i]
                if randomAccess[i], maxPtsBefore < packet.pts, !packet.isDiscard,
                   targets.byPos[packet.pos] != nil || targets.timestamps.contains(packet.pts) {
                    // av_seek_frame takes presentation timestamps for these demuxers (MP4 subtracts its
                    // edit-list shift from them before searching its dts index).
                    plan.packets[i].seekTimestamp = packet.pts
                    plan.seekPointCount += 1
                }
                maxPtsBefore = max(maxPtsBefore, packet.pts)
            }
        }
        var seekOrdinalOfRank = [Int?](repeating: nil, count: frames.count)
        if plan.seekPointCount > 0 {
            var points: [(ordinal: Int, pts: Int64)] = []
            for i in plan.packets.indices {
                let packet = plan.packets[i]
                if packet.seekTimestamp != nil { points.append((i, packet.pts)) }
                guard !packet.isDiscard, let rank = plan.rankByPts[packet.pts] else { continue }
                // The latest seek point at or before this packet that presents no later than it.
                seekOrdinalOfRank[rank] = points.last(where: { $0.pts <= packet.pts })?.ordinal
            }
        }
        plan.seekOrdinalOfRank = seekOrdinalOfRank
        return plan
    }

    private init(origin: Int64, skipNonRef: Bool) {
        self.origin = origin
        self.skipNonRef = skipNonRef
    }

    /// Containers whose index lists every keyframe from the start (MP4/MOV: sample tables; Matroska: cues;
    /// AVI: idx1), so av_seek_frame lands on the keyframe asked for. Others (MPEG-TS, raw streams) do not seek.
    private static func hasFullIndex(_ format: UnsafeMutablePointer<AVFormatContext>) -> Bool {
        guard let name = format.pointee.iformat?.pointee.name.map({ String(cString: $0) }) else { return false }
        return name.hasPrefix("mov,mp4") || name.hasPrefix("matroska") || name == "avi"
    }

    /// Whether AVDISCARD_NONREF drops only frames no other frame refers to: H.264 (nal_ref_idc 0),
    /// MPEG-1/2 (B-frames), and H.265 with a single temporal sub-layer (with more, a sub-layer
    /// non-reference picture may still be referenced by a higher sub-layer). MPEG-4 part 2 is left
    /// out (AVI "packed" B-frames put two frames in one packet).
    static func skipNonRefIsExact(_ par: UnsafeMutablePointer<AVCodecParameters>) -> Bool {
        switch par.pointee.codec_id {
        case AV_CODEC_ID_H264, AV_CODEC_ID_MPEG1VIDEO, AV_CODEC_ID_MPEG2VIDEO: return true
        case AV_CODEC_ID_HEVC:
            // hvcC: numTemporalLayers is bits 5..3 of byte 21.
            guard let extra = par.pointee.extradata, par.pointee.extradata_size > 22, extra[0] == 1 else { return false }
            return (extra[21] >> 3) & 7 == 1
        default: return false
        }
    }

    /// Length-prefix size of NAL units in packets (avcC / hvcC extradata), or nil for Annex B.
    private static func nalLengthSize(_ par: UnsafeMutablePointer<AVCodecParameters>) -> Int? {
        guard let extra = par.pointee.extradata, extra[0] == 1 else { return nil }
        let size = Int(par.pointee.extradata_size)
        switch par.pointee.codec_id {
        case AV_CODEC_ID_H264 where size > 4: return Int(extra[4] & 3) + 1
        case AV_CODEC_ID_HEVC where size > 21: return Int(extra[21] & 3) + 1
        default: return nil
        }
    }

    /// Whether a keyframe packet starts a GOP no later frame (in display order) reaches behind.
    private static func isClosedRandomAccess(_ codec: AVCodecID, _ packet: UnsafeMutablePointer<AVPacket>,
                                             nalLengthSize: Int?) -> Bool {
        switch codec {
        case AV_CODEC_ID_H264:
            return nalTypes(packet, nalLengthSize: nalLengthSize).contains { $0 & 0x1F == 5 }  // IDR
        case AV_CODEC_ID_HEVC:
            return nalTypes(packet, nalLengthSize: nalLengthSize).contains { (16...21).contains(($0 >> 1) & 0x3F) }  // IRAP
        case AV_CODEC_ID_MPEG1VIDEO, AV_CODEC_ID_MPEG2VIDEO, AV_CODEC_ID_MPEG4, AV_CODEC_ID_MSMPEG4V1,
             AV_CODEC_ID_MSMPEG4V2, AV_CODEC_ID_MSMPEG4V3, AV_CODEC_ID_H263, AV_CODEC_ID_H263P, AV_CODEC_ID_FLV1,
             AV_CODEC_ID_VP8, AV_CODEC_ID_VP9, AV_CODEC_ID_AV1:
            return true
        default:
            guard let descriptor = avcodec_descriptor_get(codec) else { return false }
            return descriptor.pointee.props & AV_CODEC_PROP_INTRA_ONLY != 0
        }
    }

    /// The first byte of each NAL unit in the packet (length-prefixed or Annex B).
    private static func nalTypes(_ packet: UnsafeMutablePointer<AVPacket>, nalLengthSize: Int?) -> [UInt8] {
        guard let data = packet.pointee.data else { return [] }
        let size = Int(packet.pointee.size)
        var headers: [UInt8] = []
        if let n = nalLengthSize {
            var i = 0
            while i + n < size {
                var length = 0
                for j in 0..<n { length = length << 8 | Int(data[i + j]) }
                i += n
                if length <= 0 || i + length > size { break }
                headers.append(data[i])
                i += length
            }
        } else {
            var i = 0
            while i + 3 < size {
                if data[i] == 0, data[i + 1] == 0, data[i + 2] == 1 {
                    headers.append(data[i + 3])
                    i += 3
                } else {
                    i += 1
                }
            }
        }
        return headers
    }

    /// The stream's index: keyframe entries' timestamps by byte position, and the set of timestamps.
    private static func indexTimestamps(_ stream: UnsafeMutablePointer<AVStream>) -> (byPos: [Int64: Int64], timestamps: Set<Int64>) {
        var byPos: [Int64: Int64] = [:]
        var timestamps = Set<Int64>()
        let count = avformat_index_get_entries_count(stream)
        for i in 0..<max(count, 0) {
            guard let entry = avformat_index_get_entry(stream, i), entry.pointee.flags & AVINDEX_KEYFRAME != 0 else { continue }
            byPos[entry.pointee.pos] = entry.pointee.timestamp
            timestamps.insert(entry.pointee.timestamp)
        }
        return (byPos, timestamps)
    }
}
