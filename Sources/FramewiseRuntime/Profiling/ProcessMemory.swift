import Foundation

/// The process's resident memory, read from `/proc/self/status` (Linux; nil elsewhere).
///
/// The profiler estimates a model's memory at a batch size as its weights (the `.onnx` file size)
/// plus how far the resident-set peak (`VmHWM`) rises above the resident set just before the
/// model's first run. ONNX Runtime's CPU arena only grows, and batch sizes are profiled in
/// increasing order, so the peak after batch `b` covers every buffer batch `b` needs. The peak
/// is reset before each model through `/proc/self/clear_refs` where the kernel allows it.
/// Approximate: other threads' allocations during profiling count too.
public enum ProcessMemory {
    /// Current resident set, bytes.
    public static var residentBytes: Int? { field("VmRSS") }

    /// Peak resident set since start or the last `resetPeak()`, bytes.
    public static var peakResidentBytes: Int? { field("VmHWM") }

    /// Resets the peak to the current resident set (Linux 4.0+); false if not possible.
    @discardableResult
    public static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    private static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let number = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            return number.map { $0 * 1024 }
        }
        return nil
    }
}
