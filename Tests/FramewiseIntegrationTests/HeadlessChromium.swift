import Foundation
import FramewiseTesting
#if canImport(Glibc)
import Glibc
#endif

/// Debian's Chromium, headless, as the report tests use it: dump a page's DOM after it loaded, or
/// take a screenshot. Each call gets a fresh profile folder and a deadline, after which it is killed.
enum HeadlessChromium {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `/usr/bin/chromium` (Debian's package; scripts/setup.sh installs it).
    static func binary() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"] where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw Failure(description: "chromium is not installed: run scripts/setup.sh (apt-get install chromium)")
    }

    /// The DOM of `page` (a file) after loading, as Chromium serialises it.
    static func dumpDOM(_ page: URL, seconds: Double = 90) throws -> String {
        try run(["--dump-dom", page.absoluteString], seconds: seconds)
    }

    /// A PNG screenshot of `page` at `width` x `height` CSS pixels, written to `png`.
    static func screenshot(_ page: URL, to png: URL, width: Int = 1280, height: Int = 2000, seconds: Double = 90) throws {
        _ = try run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString], seconds: seconds)
    }

    /// Runs Chromium headless with `arguments`; its standard output. Killed (and an error) past `seconds`.
    static func run(_ arguments: [String], seconds: Double) throws -> String {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("fw-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let outFile = work.appendingPathComponent("stdout"), errFile = work.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outFile.path, contents: nil)
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        // As root Chromium needs --no-sandbox; no GPU, no first-run UI, a throwaway profile.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--virtual-time-budget=5000"] + arguments
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline {
                kill(process.processIdentifier, SIGKILL)
                var status: Int32 = 0
                waitpid(process.processIdentifier, &status, 0)
                throw Failure(description: "chromium did not finish within \(Int(seconds)) s: \(arguments)")
            }
            usleep(50_000)
        }
        let out = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
            throw Failure(description: "chromium exited \(process.terminationStatus): \(err.suffix(2000))")
        }
        return out
    }
}
