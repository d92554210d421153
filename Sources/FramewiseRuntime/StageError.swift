/// A failure inside one stage while processing a video, with the stage and model named.
public struct StageError: Error, Sendable, CustomStringConvertible {
    public var stage: String
    public var model: String
    public var message: String
    public init(stage: String, model: String, message: String) {
        self.stage = stage
        self.model = model
        self.message = message
    }
    public var description: String { "stage '\(stage)' (model '\(model)'): \(message)" }
}
