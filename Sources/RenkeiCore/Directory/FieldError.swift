/// One problem with one input field; `field` is the JSON path of the API (`constituency.prefixes[2]`).
public struct FieldError: Sendable, Hashable, Codable, Error {
    public var field: String
    public var message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// The field without list indexes (`constituency.prefixes`), which is what a form control names.
    public var control: String {
        guard let bracket = field.firstIndex(of: "[") else { return field }
        return String(field[..<bracket])
    }
}

/// Input that failed validation; every problem found, not just the first.
public struct ValidationFailure: Error, Sendable, Hashable {
    public var errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
}
