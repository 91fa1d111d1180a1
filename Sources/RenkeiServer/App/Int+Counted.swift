extension Int {
    /// "1 problem", "4 problems": a count with its noun as people write it.
    func counted(_ singular: String, _ plural: String) -> String {
        "\(self) \(self == 1 ? singular : plural)"
    }
}
