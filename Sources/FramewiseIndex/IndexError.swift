/// Why indexing or a query failed, naming the index, video, pipeline or output involved.
public enum IndexError: Error, CustomStringConvertible, Equatable {
    /// The SQLite store could not be opened, read or written.
    case storage(path: String, message: String)
    /// The index was made with other settings than those asked for now.
    case settingsMismatch(field: String, index: String, asked: String)
    /// A frame's results lack the scores or features output the index needs.
    case missingOutput(video: String, stage: String, output: String, available: [String])
    /// A class name that neither the index's labels nor the GT pipeline's know.
    case unknownClass(String)
    /// The ground-truth pipeline's results could not be read (e.g. no classify head).
    case groundTruth(String)
    /// A video's frames could not be extracted for the ground-truth model.
    case extraction(video: String, message: String)

    public var description: String {
        switch self {
        case let .storage(path, message): "index \(path): \(message)"
        case let .settingsMismatch(field, index, asked):
            "the index was made with \(field) \(index), asked for \(asked): use a new --index folder, or leave \(field) out to keep the index's"
        case let .missingOutput(video, stage, output, available):
            "\(video): stage '\(stage)' has no output '\(output)' (outputs: \(available.joined(separator: ", "))); "
                + "the index pipeline's stage needs a raw head with the scores and the features outputs"
        case let .unknownClass(name): "unknown class '\(name)': give an id or a label of the index's or the GT pipeline's labels"
        case let .groundTruth(message): "ground truth: \(message)"
        case let .extraction(video, message): "\(video): cannot extract frames for the ground truth: \(message)"
        }
    }
}
