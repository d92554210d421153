import Foundation

/// Expands the command line's INPUT arguments (files or folders) into the list of videos.
public enum VideoInputs {
    /// File extensions taken from folders (files named explicitly are always taken).
    public static let videoExtensions: Set<String> = [
        "mp4", "m4v", "mov", "avi", "mkv", "webm", "ts", "mts", "flv", "mpg", "mpeg", "wmv", "3gp", "ogv", "hevc", "h264", "y4m",
    ]

    /// Files as given; folders expanded recursively to their video files, sorted.
    /// A path that does not exist is kept, so that it fails as that video's error.
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
                out.append(path)
                continue
            }
            guard let walker = fm.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let rel = walker.nextObject() as? String {
                let full = (path as NSString).appendingPathComponent(rel)
                var sub: ObjCBool = false
                if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue,
                   videoExtensions.contains((rel as NSString).pathExtension.lowercased()) {
                    found.append(full)
                }
            }
            out += found.sorted()
        }
        return out
    }
}
