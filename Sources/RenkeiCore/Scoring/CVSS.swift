import Foundation

/// A CVSS version Renkei scores.
public enum CVSSVersion: String, Sendable, Codable, CaseIterable {
    case v2 = "2.0"
    case v3_0 = "3.0"
    case v3_1 = "3.1"
    case v4_0 = "4.0"
}

/// Why a vector string was refused: which metric (when one is to blame) and why.
public struct CVSSError: Error, Sendable, Hashable, CustomStringConvertible {
    public var metric: String?
    public var message: String

    public init(metric: String? = nil, _ message: String) {
        self.metric = metric
        self.message = message
    }

    public var description: String { metric.map { "\($0): \(message)" } ?? message }
}

/// One step of the explanation: a named intermediate value of the formula.
public struct CVSSDetail: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// The result of scoring a vector, with the key names of FIRST's CVSS JSON schemas.
public struct CVSSResult: Sendable, Hashable, Codable {
    public var version: CVSSVersion
    /// The vector in normal form: v2 (no prefix) and v3.x metrics in specification order with
    /// Not Defined metrics left out; v4.0 as validated (its specification fixes the order).
    public var vectorString: String
    // v2 and v3.x
    public var baseScore: Double?
    public var baseSeverity: String?
    public var temporalScore: Double?
    public var temporalSeverity: String?
    public var environmentalScore: Double?
    public var environmentalSeverity: String?
    // v4.0: the single score and its nomenclature (CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE)
    public var score: Double?
    public var severity: String?
    public var nomenclature: String?
    /// Sub-scores and intermediate values (impact, exploitability; for v4.0 the MacroVector
    /// and its equivalence-class levels), in the order the formula computes them.
    public var details: [CVSSDetail]

    public init(version: CVSSVersion, vectorString: String, details: [CVSSDetail] = []) {
        self.version = version
        self.vectorString = vectorString
        self.details = details
    }
}

public enum CVSS {
    /// Scores a vector of any supported version, told apart by its prefix: `CVSS:3.0/`,
    /// `CVSS:3.1/`, `CVSS:4.0/`, or none (and a leading `AV:` metric) for v2.
    /// `explain: false` leaves `details` empty: scoring a whole feed needs only the numbers.
    public static func score(_ vector: String, explain: Bool = true) throws(CVSSError) -> CVSSResult {
        // Compare bytes: String.hasPrefix costs more than scoring a whole v3 vector.
        let bytes = vector.utf8
        if bytes.starts(with: "CVSS:4.0/".utf8) { return try CVSS4.score(vector, explain: explain) }
        if bytes.starts(with: "CVSS:3.0/".utf8) || bytes.starts(with: "CVSS:3.1/".utf8) { return try CVSS3.score(vector, explain: explain) }
        if bytes.starts(with: "CVSS:".utf8) { throw CVSSError(metric: "CVSS", "unsupported version prefix; use CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/ (v2 vectors have no prefix)") }
        return try CVSS2.score(vector, explain: explain)
    }
}
