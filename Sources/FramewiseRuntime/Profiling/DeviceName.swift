import Foundation

/// Names the device profiles are measured on, so plans look them up under the same name.
public enum DeviceName {
    /// `cpu-<cores>c-<model>` for this machine, e.g. `cpu-2c-amd-epyc`: the core count and the
    /// CPU model from `/proc/cpuinfo`, lower-cased, with runs of other characters as one `-`.
    public static func local() -> String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var model = "unknown"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = String(line[line.index(after: colon)...])
        }
        return sanitized("cpu-\(cores)c-\(model)")
    }

    /// `name` reduced to `[a-z0-9._-]`, safe inside a file name.
    public static func sanitized(_ name: String) -> String {
        var out = ""
        for c in name.lowercased() {
            if c.isASCII, c.isLetter || c.isNumber || c == "." || c == "_" {
                out.append(c)
            } else if !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        while out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "device" : out
    }

    /// Where the profile of the model at `modelPath` on `device` is stored: beside the model as
    /// `<model>.onnx.profile-<device>.json`, or under `directory` with the same file name.
    public static func profilePath(modelPath: String, device: String, directory: String? = nil) -> String {
        let file = URL(fileURLWithPath: modelPath).lastPathComponent + ".profile-\(sanitized(device)).json"
        if let directory { return URL(fileURLWithPath: directory).appendingPathComponent(file).path }
        return modelPath + ".profile-\(sanitized(device)).json"
    }
}
