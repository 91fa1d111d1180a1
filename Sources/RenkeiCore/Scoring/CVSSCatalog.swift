/// The metrics of each CVSS version as a calculator shows them: groups, metrics in
/// specification order, and their values with names (from FIRST's specification documents).
public struct CVSSMetric: Sendable, Hashable {
    public var code: String
    public var name: String
    /// (value code, value name); the first value is the default a calculator starts from.
    public var values: [(code: String, name: String)]
    public var mandatory: Bool

    public static func == (lhs: CVSSMetric, rhs: CVSSMetric) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

public struct CVSSMetricGroup: Sendable {
    public var name: String
    public var metrics: [CVSSMetric]
}

public enum CVSSCatalog {
    public static func groups(_ version: CVSSVersion) -> [CVSSMetricGroup] {
        switch version {
        case .v2: v2
        case .v3_0, .v3_1: v3
        case .v4_0: v4
        }
    }

    /// The vector prefix of a version ("" for v2).
    public static func prefix(_ version: CVSSVersion) -> String {
        version == .v2 ? "" : "CVSS:\(version.rawValue)/"
    }

    /// The value meaning Not Defined in optional metrics.
    public static func notDefined(_ version: CVSSVersion) -> String { version == .v2 ? "ND" : "X" }

    private static func metric(_ code: String, _ name: String, _ values: [(String, String)], mandatory: Bool = false) -> CVSSMetric {
        CVSSMetric(code: code, name: name, values: values.map { (code: $0.0, name: $0.1) }, mandatory: mandatory)
    }

    private static let cia3 = [("H", "High"), ("L", "Low"), ("N", "None")]
    private static let requirement = [("X", "Not Defined"), ("H", "High"), ("M", "Medium"), ("L", "Low")]

    static let v2: [CVSSMetricGroup] = [
        CVSSMetricGroup(name: "Base", metrics: [
            metric("AV", "Access Vector", [("N", "Network"), ("A", "Adjacent Network"), ("L", "Local")], mandatory: true),
            metric("AC", "Access Complexity", [("L", "Low"), ("M", "Medium"), ("H", "High")], mandatory: true),
            metric("Au", "Authentication", [("N", "None"), ("S", "Single"), ("M", "Multiple")], mandatory: true),
            metric("C", "Confidentiality Impact", [("C", "Complete"), ("P", "Partial"), ("N", "None")], mandatory: true),
            metric("I", "Integrity Impact", [("C", "Complete"), ("P", "Partial"), ("N", "None")], mandatory: true),
            metric("A", "Availability Impact", [("C", "Complete"), ("P", "Partial"), ("N", "None")], mandatory: true),
        ]),
        CVSSMetricGroup(name: "Temporal", metrics: [
            metric("E", "Exploitability", [("ND", "Not Defined"), ("H", "High"), ("F", "Functional"), ("POC", "Proof-of-Concept"), ("U", "Unproven")]),
            metric("RL", "Remediation Level", [("ND", "Not Defined"), ("U", "Unavailable"), ("W", "Workaround"), ("TF", "Temporary Fix"), ("OF", "Official Fix")]),
            metric("RC", "Report Confidence", [("ND", "Not Defined"), ("C", "Confirmed"), ("UR", "Uncorroborated"), ("UC", "Unconfirmed")]),
        ]),
        CVSSMetricGroup(name: "Environmental", metrics: [
            metric("CDP", "Collateral Damage Potential", [("ND", "Not Defined"), ("H", "High"), ("MH", "Medium-High"), ("LM", "Low-Medium"), ("L", "Low"), ("N", "None")]),
            metric("TD", "Target Distribution", [("ND", "Not Defined"), ("H", "High"), ("M", "Medium"), ("L", "Low"), ("N", "None")]),
            metric("CR", "Confidentiality Requirement", [("ND", "Not Defined"), ("H", "High"), ("M", "Medium"), ("L", "Low")]),
            metric("IR", "Integrity Requirement", [("ND", "Not Defined"), ("H", "High"), ("M", "Medium"), ("L", "Low")]),
            metric("AR", "Availability Requirement", [("ND", "Not Defined"), ("H", "High"), ("M", "Medium"), ("L", "Low")]),
        ]),
    ]

    static let v3: [CVSSMetricGroup] = [
        CVSSMetricGroup(name: "Base", metrics: [
            metric("AV", "Attack Vector", [("N", "Network"), ("A", "Adjacent"), ("L", "Local"), ("P", "Physical")], mandatory: true),
            metric("AC", "Attack Complexity", [("L", "Low"), ("H", "High")], mandatory: true),
            metric("PR", "Privileges Required", [("N", "None"), ("L", "Low"), ("H", "High")], mandatory: true),
            metric("UI", "User Interaction", [("N", "None"), ("R", "Required")], mandatory: true),
            metric("S", "Scope", [("U", "Unchanged"), ("C", "Changed")], mandatory: true),
            metric("C", "Confidentiality", cia3, mandatory: true),
            metric("I", "Integrity", cia3, mandatory: true),
            metric("A", "Availability", cia3, mandatory: true),
        ]),
        CVSSMetricGroup(name: "Temporal", metrics: [
            metric("E", "Exploit Code Maturity", [("X", "Not Defined"), ("H", "High"), ("F", "Functional"), ("P", "Proof-of-Concept"), ("U", "Unproven")]),
            metric("RL", "Remediation Level", [("X", "Not Defined"), ("U", "Unavailable"), ("W", "Workaround"), ("T", "Temporary Fix"), ("O", "Official Fix")]),
            metric("RC", "Report Confidence", [("X", "Not Defined"), ("C", "Confirmed"), ("R", "Reasonable"), ("U", "Unknown")]),
        ]),
        CVSSMetricGroup(name: "Environmental", metrics: [
            metric("CR", "Confidentiality Requirement", requirement),
            metric("IR", "Integrity Requirement", requirement),
            metric("AR", "Availability Requirement", requirement),
            metric("MAV", "Modified Attack Vector", [("X", "Not Defined"), ("N", "Network"), ("A", "Adjacent"), ("L", "Local"), ("P", "Physical")]),
            metric("MAC", "Modified Attack Complexity", [("X", "Not Defined"), ("L", "Low"), ("H", "High")]),
            metric("MPR", "Modified Privileges Required", [("X", "Not Defined"), ("N", "None"), ("L", "Low"), ("H", "High")]),
            metric("MUI", "Modified User Interaction", [("X", "Not Defined"), ("N", "None"), ("R", "Required")]),
            metric("MS", "Modified Scope", [("X", "Not Defined"), ("U", "Unchanged"), ("C", "Changed")]),
            metric("MC", "Modified Confidentiality", [("X", "Not Defined")] + cia3),
            metric("MI", "Modified Integrity", [("X", "Not Defined")] + cia3),
            metric("MA", "Modified Availability", [("X", "Not Defined")] + cia3),
        ]),
    ]

    static let v4: [CVSSMetricGroup] = [
        CVSSMetricGroup(name: "Base", metrics: [
            metric("AV", "Attack Vector", [("N", "Network"), ("A", "Adjacent"), ("L", "Local"), ("P", "Physical")], mandatory: true),
            metric("AC", "Attack Complexity", [("L", "Low"), ("H", "High")], mandatory: true),
            metric("AT", "Attack Requirements", [("N", "None"), ("P", "Present")], mandatory: true),
            metric("PR", "Privileges Required", [("N", "None"), ("L", "Low"), ("H", "High")], mandatory: true),
            metric("UI", "User Interaction", [("N", "None"), ("P", "Passive"), ("A", "Active")], mandatory: true),
            metric("VC", "Vulnerable System Confidentiality", cia3, mandatory: true),
            metric("VI", "Vulnerable System Integrity", cia3, mandatory: true),
            metric("VA", "Vulnerable System Availability", cia3, mandatory: true),
            metric("SC", "Subsequent System Confidentiality", cia3, mandatory: true),
            metric("SI", "Subsequent System Integrity", cia3, mandatory: true),
            metric("SA", "Subsequent System Availability", cia3, mandatory: true),
        ]),
        CVSSMetricGroup(name: "Threat", metrics: [
            metric("E", "Exploit Maturity", [("X", "Not Defined"), ("A", "Attacked"), ("P", "POC"), ("U", "Unreported")]),
        ]),
        CVSSMetricGroup(name: "Environmental", metrics: [
            metric("CR", "Confidentiality Requirement", requirement),
            metric("IR", "Integrity Requirement", requirement),
            metric("AR", "Availability Requirement", requirement),
            metric("MAV", "Modified Attack Vector", [("X", "Not Defined"), ("N", "Network"), ("A", "Adjacent"), ("L", "Local"), ("P", "Physical")]),
            metric("MAC", "Modified Attack Complexity", [("X", "Not Defined"), ("L", "Low"), ("H", "High")]),
            metric("MAT", "Modified Attack Requirements", [("X", "Not Defined"), ("N", "None"), ("P", "Present")]),
            metric("MPR", "Modified Privileges Required", [("X", "Not Defined"), ("N", "None"), ("L", "Low"), ("H", "High")]),
            metric("MUI", "Modified User Interaction", [("X", "Not Defined"), ("N", "None"), ("P", "Passive"), ("A", "Active")]),
            metric("MVC", "Modified Vulnerable System Confidentiality", [("X", "Not Defined")] + cia3),
            metric("MVI", "Modified Vulnerable System Integrity", [("X", "Not Defined")] + cia3),
            metric("MVA", "Modified Vulnerable System Availability", [("X", "Not Defined")] + cia3),
            metric("MSC", "Modified Subsequent System Confidentiality", [("X", "Not Defined")] + cia3),
            metric("MSI", "Modified Subsequent System Integrity", [("X", "Not Defined"), ("S", "Safety"), ("H", "High"), ("L", "Low"), ("N", "Negligible")]),
            metric("MSA", "Modified Subsequent System Availability", [("X", "Not Defined"), ("S", "Safety"), ("H", "High"), ("L", "Low"), ("N", "Negligible")]),
        ]),
        CVSSMetricGroup(name: "Supplemental", metrics: [
            metric("S", "Safety", [("X", "Not Defined"), ("N", "Negligible"), ("P", "Present")]),
            metric("AU", "Automatable", [("X", "Not Defined"), ("N", "No"), ("Y", "Yes")]),
            metric("R", "Recovery", [("X", "Not Defined"), ("A", "Automatic"), ("U", "User"), ("I", "Irrecoverable")]),
            metric("V", "Value Density", [("X", "Not Defined"), ("D", "Diffuse"), ("C", "Concentrated")]),
            metric("RE", "Vulnerability Response Effort", [("X", "Not Defined"), ("L", "Low"), ("M", "Moderate"), ("H", "High")]),
            metric("U", "Provider Urgency", [("X", "Not Defined"), ("Clear", "Clear"), ("Green", "Green"), ("Amber", "Amber"), ("Red", "Red")]),
        ]),
    ]

    /// Builds a vector from chosen values, in specification order, leaving out Not Defined
    /// optional metrics; a missing mandatory metric takes its first value.
    public static func vector(_ version: CVSSVersion, values: [String: String]) -> String {
        let parts = groups(version).flatMap(\.metrics).compactMap { metric -> String? in
            let value = values[metric.code] ?? (metric.mandatory ? metric.values[0].code : notDefined(version))
            return !metric.mandatory && value == notDefined(version) ? nil : "\(metric.code):\(value)"
        }
        return prefix(version) + parts.joined(separator: "/")
    }

    /// The metric values a vector names (no validation: scoring validates).
    public static func values(of vector: String) -> [String: String] {
        var values: [String: String] = [:]
        for part in vector.split(separator: "/") where !part.hasPrefix("CVSS:") {
            let pair = part.split(separator: ":", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        return values
    }
}
