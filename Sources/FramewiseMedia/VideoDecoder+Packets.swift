import CFFmpeg
import Logging

extension VideoDecoder {
    /// Reads one packet and sends it to the decoder; at end of file (or a read error) starts draining.
    func feedPacket() throws(MediaError) {
        if let plan {
            while nextNeeded < plan.neededRanks.count, plan.neededRanks[nextNeeded] <= lastRank { nextNeeded += 1 }
            // Every frame to keep is out: the rest of the file need not be read or decoded.
            if nextNeeded == plan.neededRanks.count {
                catchUp(to: plan.frameCount)
                phase = .finished
                return
            }
            if options.allowSeek { seekIfCheaper() }
        }
        let result = av_read_frame(format, packet)
        if result < 0 {
            if result != fw_averror_eof() {
                let error = MediaError(.readFailed, path: info.path, code: result,
                                       context: "after \(decodedFrameCount) decoded frames")
                logger.warning("\(error)")
                avcodec_send_packet(codec, nil)
                phase = .flushing(error)
                return
            }
            avcodec_send_packet(codec, nil)
            // A file whose last video packet the demuxer had to cut short ("partial file") is truncated.
            let truncated = lastPacketCorrupt
                ? MediaError(.readFailed, path: info.path, message: "the file ends inside a packet (truncated?) "
                             + "after \(decodedFrameCount) decoded frames")
                : nil
            phase = .flushing(truncated)
            return
        }
        defer { av_packet_unref(packet) }
        guard packet.pointee.stream_index == streamIndex else { return }
        if sampling == .keyframes, packet.pointee.flags & AV_PKT_FLAG_KEY != 0 {
            // Keyed by pts, or by byte position in streams without timestamps (raw H.264).
            if packet.pointee.pts != fw_av_nopts_value() {
                keyPacketOrdinals[packet.pointee.pts] = packetsRead
            } else if packet.pointee.pos >= 0 {
                keyPacketOrdinalsByPosition[packet.pointee.pos] = packetsRead
            }
        }
        packetsRead += 1
        lastPacketCorrupt = packet.pointee.flags & AV_PKT_FLAG_CORRUPT != 0
        if let plan {
            guard let ordinal = plan.ordinalByPts[packet.pointee.pts] else {
                abandonPlan("a packet the prescan did not see")
                return try sendPacket()
            }
            if let landing = landingCheck {
                landingCheck = nil
                // Landed past the keyframe: packets the target needs were jumped over; seek earlier.
                if ordinal > landing.key { return try seekEarlier(than: landing) }
            }
            // After a seek that landed before the chosen keyframe: skip ahead to it without decoding.
            if ordinal < dropBeforeOrdinal { return }
            dropBeforeOrdinal = 0
            lastSentOrdinal = ordinal
            let skip = options.allowSkipNonRef && plan.skipNonRef && !plan.isNeeded(ordinal: ordinal)
            if skip != skipFrameOn {
                codec.pointee.skip_frame = skip ? AVDISCARD_NONREF : AVDISCARD_DEFAULT
                skipFrameOn = skip
            }
            if skip { sentWithSkip.insert(packet.pointee.pts) }
        }
        try sendPacket()
    }

    private func sendPacket() throws(MediaError) {
        let sent = avcodec_send_packet(codec, packet)
        if sent < 0, sent != fw_averror_eagain() {
            skippedPacketCount += 1
            logger.warning("skipping a packet the decoder rejected",
                           metadata: ["video": "\(info.path)", "error": "\(MediaError.ffmpegMessage(sent))"])
        }
    }

    /// With a plan: if the next frame to keep can be decoded from a seek point at least `minimumSeekGap`
    /// packets ahead of the next packet, drops what the codec holds (no frame in it is to be kept: every
    /// kept frame before the target is already out, the target's packet is not sent yet) and seeks there.
    func seekIfCheaper() {
        guard let plan, nextNeeded < plan.neededRanks.count else { return }
        let target = plan.neededRanks[nextNeeded]
        guard plan.ordinalOfRank[target] > lastSentOrdinal, let keyOrdinal = plan.seekOrdinalOfRank[target],
              keyOrdinal - (lastSentOrdinal + 1) >= minimumSeekGap,
              let timestamp = plan.packets[keyOrdinal].seekTimestamp else { return }
        let result = av_seek_frame(format, streamIndex, timestamp, AVSEEK_FLAG_BACKWARD)
        guard result >= 0 else {
            logger.debug("seek failed; decoding through", metadata: ["video": "\(info.path)", "error": "\(MediaError.ffmpegMessage(result))"])
            return
        }
        avcodec_flush_buffers(codec)
        seekCount += 1
        // Packets before the keyframe (if the demuxer lands early) are read and dropped.
        dropBeforeOrdinal = keyOrdinal
        lastSentOrdinal = keyOrdinal - 1
        landingCheck = (keyOrdinal, keyOrdinal)
    }

    /// After a seek landed past its keyframe: seeks to the seek point before the one tried (any landing at
    /// or before the keyframe works: packets before it are dropped), else gives up on the video.
    private func seekEarlier(than landing: (key: Int, tried: Int)) throws(MediaError) {
        if let plan {
            for ordinal in stride(from: landing.tried - 1, through: 0, by: -1) {
                guard let timestamp = plan.packets[ordinal].seekTimestamp else { continue }
                guard av_seek_frame(format, streamIndex, timestamp, AVSEEK_FLAG_BACKWARD) >= 0 else { break }
                avcodec_flush_buffers(codec)
                landingCheck = (landing.key, ordinal)
                return
            }
        }
        abandonPlan("a seek landed past its keyframe")
        phase = .finished
        throw MediaError(.readFailed, path: info.path, message: "seeking to a keyframe landed past it")
    }

    /// Stops skipping and seeking (the stream does not match the prescan); the rest decodes in full.
    func abandonPlan(_ reason: String) {
        guard plan != nil else { return }
        logger.warning("decoding every frame from here on", metadata: ["video": "\(info.path)", "reason": "\(reason)"])
        plan = nil
        nextSourceIndex = lastRank + 1
        if skipFrameOn {
            codec.pointee.skip_frame = AVDISCARD_DEFAULT
            skipFrameOn = false
        }
    }
}
