import ArgumentParser
import FramewiseCore

/// A sampling policy written on the command line: every_frame, keyframes, fps:N, every:N, uniform:K.
struct SamplingArgument: ExpressibleByArgument {
    let policy: SamplingPolicy
    let text: String

    init?(argument: String) {
        text = argument
        let parts = argument.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count > 1 ? parts[1] : nil) {
        case ("every_frame", nil): policy = .everyFrame
        case ("keyframes", nil): policy = .keyframes
        case let ("fps", v?): guard let n = Double(v), n > 0 else { return nil }; policy = .fps(n)
        case let ("every", v?): guard let n = Int(v), n > 0 else { return nil }; policy = .everyNth(n)
        case let ("uniform", v?): guard let n = Int(v), n > 0 else { return nil }; policy = .uniform(n)
        default: return nil
        }
    }
}
