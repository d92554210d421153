extension Int {
    /// The count with its noun, singular for one: `1.counted("stage")` is "1 stage", `2.counted("stage")` "2 stages".
    func counted(_ noun: String, plural: String? = nil) -> String {
        "\(self) \(self == 1 ? noun : plural ?? noun + "s")"
    }
}
