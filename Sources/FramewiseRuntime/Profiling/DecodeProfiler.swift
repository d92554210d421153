import Foundation
import FramewiseCore
import FramewiseMedia

/// Why a decode measurement failed, with the video it concerns.
public struct DecodeProfilingError: Error, Sendable, CustomStringConvertible {
    /// The video.
    public var video: String
    /// What went wrong (the decoder's message).
    public var message: String
    public var description: String { "cannot profile decoding of \(video): \(message)" }
}

/// Measures the decode cost of a pipeline's sampling, one video at a time, each decoded once
/// completely (with the decoder's plan, exactly as the engine decodes it).
public enum DecodeProfiler {
    /// Decoder threads the streaming engine gives each video for `spec` when several videos decode
    /// at once (its default): the pipeline's `decode.threads`, else one.
    public static func engineThreads(spec: PipelineSpec) -> Int { spec.decode.threads > 0 ? spec.decode.threads : 1 }

    /// Decodes every video in `videos` with `sampling` on `threads` decoder threads each: CPU
    /// seconds (all threads of the process), wall seconds, and what was decoded. Blocking: call it
    /// before anything else in the process runs (other threads' CPU time would count too).
    public static func measure(videos: [String], pipeline: String, sampling: SamplingPolicy, threads: Int,
                               device: String = DeviceName.local()) throws(DecodeProfilingError) -> DecodeProfile {
        var m = DecodeProfile(pipeline: pipeline, sampling: sampling.description, deviceName: device, threadsPerDecoder: threads,
                              videos: 0, videoSeconds: 0, sampledFrames: 0, decodedFrames: 0, cpuSeconds: 0, wallSeconds: 0)
        let clock = ContinuousClock()
        for video in videos {
            let cpuStart = processCPUSeconds()
            let start = clock.now
            let seconds: Double
            do {
                let decoder = try VideoDecoder(path: video, sampling: sampling, threads: threads)
                var lastTime = 0.0
                while let frame = try decoder.next() { lastTime = max(lastTime, frame.time) }
                m.sampledFrames += decoder.sampledFrameCount
                m.decodedFrames += decoder.decodedFrameCount
                seconds = Self.duration(of: decoder.info, lastSampledTime: lastTime)
            } catch {
                throw DecodeProfilingError(video: video, message: "\(error)")
            }
            m.wallSeconds += (clock.now - start).seconds
            m.cpuSeconds += processCPUSeconds() - cpuStart
            guard seconds > 0 else { throw DecodeProfilingError(video: video, message: "its duration is unknown or zero") }
            m.videoSeconds += seconds
            m.videos += 1
        }
        return m
    }

    /// The container's duration, else frames over frame rate, else the last sampled frame's time.
    static func duration(of info: VideoInfo, lastSampledTime: Double) -> Double {
        if let d = info.duration, d.isFinite, d > 0 { return d }
        if info.averageFPS > 0, info.frameCountEstimate > 0 { return Double(info.frameCountEstimate) / info.averageFPS }
        return lastSampledTime
    }

    /// User + system CPU seconds of the whole process so far.
    public static func processCPUSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
