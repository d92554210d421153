import Foundation
import FramewiseCore
import FramewiseMedia

/// Decodes one video on its own thread (an FFmpeg decoder stays on one thread) and hands the
/// sampled frames to the consumer through a bounded channel, so decoding runs ahead of
/// inference by at most `readAhead` frames.
final class DecodeWorker: @unchecked Sendable {
    let channel: FrameChannel<VideoFrame>
    private let lock = NSLock()
    private var _decoded = 0
    private var _seconds = 0.0
    private var _media: VideoMetadata?

    init(readAhead: Int) { channel = FrameChannel(capacity: readAhead) }

    /// Frames the codec decoded and seconds spent decoding, so far.
    var stats: (decoded: Int, seconds: Double) {
        lock.lock()
        defer { lock.unlock() }
        return (_decoded, _seconds)
    }

    /// What the video's headers say, once it opened.
    var media: VideoMetadata? {
        lock.lock()
        defer { lock.unlock() }
        return _media
    }

    /// Starts decoding `path` on a new thread named `decode` (`allowAnyDemuxer`: see
    /// `DecoderOptions`) at `priority` (the codec's own threads inherit it).
    func start(path: String, sampling: SamplingPolicy, threads: Int, allowAnyDemuxer: Bool = false, priority: ComputePriority = .normal) {
        let options = DecoderOptions(threads: threads, allowAnyDemuxer: allowAnyDemuxer)
        let thread = Thread { [self] in
            ThreadPriority.nameCurrentThread("decode")
            ThreadPriority.lowerCurrentThread(to: priority)
            self.decode(path: path, sampling: sampling, options: options)
        }
        thread.name = "decode"
        thread.stackSize = 4 << 20
        thread.start()
    }

    private func decode(path: String, sampling: SamplingPolicy, options: DecoderOptions) {
        let clock = ContinuousClock()
        var started = clock.now
        do {
            let decoder = try VideoDecoder(path: path, sampling: sampling, options: options)
            let info = decoder.info
            lock.lock()
            _media = VideoMetadata(width: info.width, height: info.height, fps: info.averageFPS, duration: info.duration, codec: info.codecName)
            lock.unlock()
            while true {
                let frame = try decoder.next()
                record(decoder.decodedFrameCount, clock.now - started)
                guard let frame else { break }
                guard channel.send(frame) else { break }
                started = clock.now
            }
            channel.finish()
        } catch {
            record(nil, clock.now - started)
            channel.finish(throwing: error)
        }
    }

    private func record(_ decoded: Int?, _ elapsed: Duration) {
        lock.lock()
        if let decoded { _decoded = decoded }
        _seconds += elapsed.seconds
        lock.unlock()
    }
}
