import CFFmpeg

extension VideoDecoder {
    /// Timestamps the frame just decoded and, if the sampler keeps it, moves it into a `VideoFrame`.
    func takeDecodedFrame() throws(MediaError) -> VideoFrame? {
        guard let frame = handles.frame else { return nil }
        let nopts = fw_av_nopts_value()
        var pts = frame.pointee.best_effort_timestamp
        if pts == nopts { pts = frame.pointee.pts }
        // Closed GOP: a keyframe's presentation index equals the number of packets before it in decode order.
        let keyOrdinal = sampling == .keyframes
            ? (frame.pointee.pts != nopts ? keyPacketOrdinals.removeValue(forKey: frame.pointee.pts)
                                          : keyPacketOrdinalsByPosition.removeValue(forKey: frame.pointee.pkt_pos))
            : nil
        if pts == nopts {
            // No timestamp: one frame duration after the previous frame, or, when skipped frames were
            // never decoded (keyframes only), the frame's ordinal times one frame duration.
            if let keyOrdinal {
                pts = (startPts ?? 0) + Int64(keyOrdinal) * frameDuration
            } else {
                pts = lastPts.map { $0 + frameDuration } ?? startPts ?? 0
            }
        }
        lastPts = pts
        if startPts == nil { startPts = pts }
        let time = Double(pts - (startPts ?? pts)) * timeBase
        let sourceIndex: Int
        if sampling == .keyframes {
            sourceIndex = keyOrdinal ?? Int((time * info.averageFPS).rounded())
        } else if let plan {
            guard let rank = plan.rankByPts[pts] else {
                abandonPlan("a frame whose pts the prescan did not see")
                return try takeDecodedFrame()
            }
            if rank <= lastRank {
                // Decoded again after a seek (or a leading frame before the keyframe): already offered.
                av_frame_unref(frame)
                return nil
            }
            // Frames between the last one offered and this one were discarded or jumped over: offer their times.
            catchUp(to: rank)
            lastRank = rank
            sourceIndex = rank
        } else {
            sourceIndex = nextSourceIndex
            nextSourceIndex += 1
        }
        if sampler.offer(time: time, isKeyframe: frame.pointee.key_frame != 0) {
            return try moveOut(frame, sourceIndex: sourceIndex, time: time)
        }
        if sampler.holdsLastFrame {
            // Keep this frame (a reference swap, no copy) in case the stream ends before the next target.
            handles.frame = handles.heldFrame ?? av_frame_alloc()
            handles.heldFrame = frame
            held = (sourceIndex, time)
        }
        if let reusable = handles.frame { av_frame_unref(reusable) }
        return nil
    }

    /// With a plan: offers the sampler the frames from `lastRank + 1` up to (not including) `rank`, which
    /// were never decoded. The plan only leaves out frames the sampler does not keep.
    func catchUp(to rank: Int) {
        guard let plan, lastRank + 1 < rank else { return }
        // The held frame (`.uniform`) is no longer the last offered; the plan keeps the real last frame if needed.
        held = nil
        for r in (lastRank + 1)..<min(rank, plan.frameCount) {
            let pts = plan.packets[plan.ordinalOfRank[r]].pts
            if sentWithSkip.remove(pts) != nil { skippedFrameCount += 1 }
            if sampler.offer(time: plan.times[r], isKeyframe: false) {
                // Only when a kept frame failed to decode (damaged data).
                logger.warning("a frame to keep was not decoded", metadata: ["video": "\(info.path)", "frame": "\(r)"])
            }
        }
        lastRank = rank - 1
    }

    /// The held last frame, at end of stream, when `.uniform` targets remain unserved.
    func emitHeldFrame() -> VideoFrame? {
        guard let frame = handles.heldFrame, let held else { return nil }
        handles.heldFrame = nil
        self.held = nil
        return try? moveOut(frame, sourceIndex: held.sourceIndex, time: held.time)
    }

    private func moveOut(_ frame: UnsafeMutablePointer<AVFrame>, sourceIndex: Int, time: Double) throws(MediaError) -> VideoFrame {
        if frame == handles.frame {
            guard let fresh = av_frame_alloc() else {
                throw MediaError(.decodeFailed, path: info.path, message: "out of memory")
            }
            handles.frame = fresh
        }
        let sampled = VideoFrame(taking: frame, index: sampledFrameCount, sourceIndex: sourceIndex, time: time,
                                 videoPath: info.path)
        sampledFrameCount += 1
        return sampled
    }
}
