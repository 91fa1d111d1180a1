import Foundation

/// CVSS v3.0 and v3.1 scoring (FIRST, "Common Vulnerability Scoring System v3.0/v3.1:
/// Specification Document", sections 6–8 and, for v3.1, Appendix A).
///
/// The arithmetic is decimal (`Foundation.Decimal`, 38 significant digits), so the weights
/// (0.85, 0.62, …) are exact and Roundup sees the value the formulas define rather than a
/// binary floating-point neighbour of it.
public enum CVSS3 {
    /// Scores a `CVSS:3.0/…` or `CVSS:3.1/…` vector.
    public static func score(_ vector: String) throws(CVSSError) -> CVSSResult {
        let version: CVSSVersion
        if vector.hasPrefix("CVSS:3.1/") {
            version = .v3_1
        } else if vector.hasPrefix("CVSS:3.0/") {
            version = .v3_0
        } else {
            throw CVSSError(metric: "CVSS", "a CVSS v3 vector starts with “CVSS:3.0/” or “CVSS:3.1/”")
        }
        let given = try parse(vector, version: version)
        return compute(given, version: version)
    }

    // MARK: - Metrics

    private struct Metric {
        let name: String
        /// Allowed values in the specification's order; optional metrics start with `X`.
        let values: [String]
        var mandatory: Bool { !values.contains("X") }
    }

    /// Table 15 of the v3.1 specification (Table 12 in v3.0): the preferred order.
    private static let metrics: [Metric] = [
        Metric(name: "AV", values: ["N", "A", "L", "P"]),
        Metric(name: "AC", values: ["L", "H"]),
        Metric(name: "PR", values: ["N", "L", "H"]),
        Metric(name: "UI", values: ["N", "R"]),
        Metric(name: "S", values: ["U", "C"]),
        Metric(name: "C", values: ["H", "L", "N"]),
        Metric(name: "I", values: ["H", "L", "N"]),
        Metric(name: "A", values: ["H", "L", "N"]),
        Metric(name: "E", values: ["X", "H", "F", "P", "U"]),
        Metric(name: "RL", values: ["X", "U", "W", "T", "O"]),
        Metric(name: "RC", values: ["X", "C", "R", "U"]),
        Metric(name: "CR", values: ["X", "H", "M", "L"]),
        Metric(name: "IR", values: ["X", "H", "M", "L"]),
        Metric(name: "AR", values: ["X", "H", "M", "L"]),
        Metric(name: "MAV", values: ["X", "N", "A", "L", "P"]),
        Metric(name: "MAC", values: ["X", "L", "H"]),
        Metric(name: "MPR", values: ["X", "N", "L", "H"]),
        Metric(name: "MUI", values: ["X", "N", "R"]),
        Metric(name: "MS", values: ["X", "U", "C"]),
        Metric(name: "MC", values: ["X", "H", "L", "N"]),
        Metric(name: "MI", values: ["X", "H", "L", "N"]),
        Metric(name: "MA", values: ["X", "H", "L", "N"]),
    ]

    private static let metricIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: metrics.enumerated().map { ($0.element.name, $0.offset) })

    // MARK: - Parsing

    /// Metrics may appear in any order: both specifications (section 6) say programs reading
    /// vectors "must accept metrics in any order", and Red Hat's cvss does; duplicates are refused.
    private static func parse(_ vector: String, version: CVSSVersion) throws(CVSSError) -> [String: String] {
        let prefix = "CVSS:\(version.rawValue)/"
        if vector.hasSuffix("/") {
            throw CVSSError("the vector ends with “/”; remove the trailing slash")
        }
        let body = vector.dropFirst(prefix.count)
        var given: [String: String] = [:]
        for (position, component) in body.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if component.isEmpty {
                throw CVSSError("component \(position + 1) after “\(prefix)” is empty (“//”)")
            }
            let parts = component.split(separator: ":", omittingEmptySubsequences: false)
            let name = String(parts[0])
            guard parts.count == 2 else {
                throw CVSSError(metric: metricIndex[name] == nil ? nil : name,
                                "“\(component)” is not of the form METRIC:VALUE")
            }
            guard let index = metricIndex[name] else {
                if name.isEmpty { throw CVSSError("“\(component)” has no metric name") }
                let hint = metricIndex.keys.first { $0.uppercased() == name.uppercased() }
                    .map { "; metric names are case-sensitive: did you mean \($0)?" } ?? ""
                throw CVSSError(metric: name, "“\(name)” is not a CVSS v\(version.rawValue) metric\(hint)")
            }
            let metric = metrics[index]
            let value = String(parts[1])
            guard metric.values.contains(value) else {
                let hint = metric.values.contains(value.uppercased()) ? "; values are case-sensitive" : ""
                throw CVSSError(metric: name, "“\(value)” is not a value of \(name) (\(metric.values.joined(separator: ", ")))\(hint)")
            }
            if given[name] != nil {
                throw CVSSError(metric: name, "\(name) appears more than once")
            }
            given[name] = value
        }
        let missing = metrics.filter { $0.mandatory && given[$0.name] == nil }.map(\.name)
        if let first = missing.first {
            let list = missing.joined(separator: ", ")
            throw CVSSError(metric: first, missing.count == 1
                ? "the mandatory base metric \(list) is missing"
                : "the mandatory base metrics \(list) are missing")
        }
        return given
    }

    // MARK: - Weights (specification section 7.4, Table 16 of v3.1 / Table 14 of v3.0)

    private static func dec(_ significand: Int, _ exponent: Int) -> Decimal {
        Decimal(sign: .plus, exponent: exponent, significand: Decimal(significand))
    }

    private static func attackVector(_ v: String) -> Decimal {
        switch v { case "N": dec(85, -2); case "A": dec(62, -2); case "L": dec(55, -2); default: dec(2, -1) }
    }

    private static func attackComplexity(_ v: String) -> Decimal {
        v == "L" ? dec(77, -2) : dec(44, -2)
    }

    /// Privileges Required depends on (Modified) Scope: 0.68/0.50 instead of 0.62/0.27 when Changed.
    private static func privilegesRequired(_ v: String, scopeChanged: Bool) -> Decimal {
        switch v {
        case "N": dec(85, -2)
        case "L": scopeChanged ? dec(68, -2) : dec(62, -2)
        default: scopeChanged ? dec(50, -2) : dec(27, -2)
        }
    }

    private static func userInteraction(_ v: String) -> Decimal {
        v == "N" ? dec(85, -2) : dec(62, -2)
    }

    private static func impactWeight(_ v: String) -> Decimal {
        switch v { case "H": dec(56, -2); case "L": dec(22, -2); default: 0 }
    }

    private static func exploitMaturity(_ v: String) -> Decimal {
        switch v { case "F": dec(97, -2); case "P": dec(94, -2); case "U": dec(91, -2); default: 1 }
    }

    private static func remediationLevel(_ v: String) -> Decimal {
        switch v { case "W": dec(97, -2); case "T": dec(96, -2); case "O": dec(95, -2); default: 1 }
    }

    private static func reportConfidence(_ v: String) -> Decimal {
        switch v { case "R": dec(96, -2); case "U": dec(92, -2); default: 1 }
    }

    private static func requirement(_ v: String) -> Decimal {
        switch v { case "H": dec(15, -1); case "L": dec(5, -1); default: 1 }
    }

    // MARK: - Formulas (section 7)

    private static func compute(_ given: [String: String], version: CVSSVersion) -> CVSSResult {
        func value(_ name: String) -> String { given[name] ?? "X" }
        /// A modified base metric, or the base metric it modifies when Not Defined.
        func modified(_ name: String) -> String {
            let v = value(name)
            return v == "X" ? value(String(name.dropFirst())) : v
        }
        func roundup(_ x: Decimal) -> Decimal { version == .v3_1 ? roundup31(x) : roundup30(x) }

        // Base
        let scopeChanged = value("S") == "C"
        let iss = 1 - (1 - impactWeight(value("C"))) * (1 - impactWeight(value("I"))) * (1 - impactWeight(value("A")))
        let impact = scopeChanged
            ? dec(752, -2) * (iss - dec(29, -3)) - dec(325, -2) * power(iss - dec(2, -2), 15)
            : dec(642, -2) * iss
        let exploitability = dec(822, -2) * attackVector(value("AV")) * attackComplexity(value("AC"))
            * privilegesRequired(value("PR"), scopeChanged: scopeChanged) * userInteraction(value("UI"))
        let base: Decimal = impact <= 0 ? 0
            : roundup(min(scopeChanged ? dec(108, -2) * (impact + exploitability) : impact + exploitability, 10))

        // Temporal
        let temporalFactor = exploitMaturity(value("E")) * remediationLevel(value("RL")) * reportConfidence(value("RC"))
        let temporal = roundup(base * temporalFactor)

        // Environmental
        let modifiedScopeChanged = modified("MS") == "C"
        let miss = min(1 - (1 - impactWeight(modified("MC")) * requirement(value("CR")))
                         * (1 - impactWeight(modified("MI")) * requirement(value("IR")))
                         * (1 - impactWeight(modified("MA")) * requirement(value("AR"))), dec(915, -3))
        let modifiedImpact: Decimal
        if !modifiedScopeChanged {
            modifiedImpact = dec(642, -2) * miss
        } else if version == .v3_1 {
            modifiedImpact = dec(752, -2) * (miss - dec(29, -3)) - dec(325, -2) * power(miss * dec(9731, -4) - dec(2, -2), 13)
        } else {
            modifiedImpact = dec(752, -2) * (miss - dec(29, -3)) - dec(325, -2) * power(miss - dec(2, -2), 15)
        }
        let modifiedExploitability = dec(822, -2) * attackVector(modified("MAV")) * attackComplexity(modified("MAC"))
            * privilegesRequired(modified("MPR"), scopeChanged: modifiedScopeChanged) * userInteraction(modified("MUI"))
        let environmental: Decimal
        if modifiedImpact <= 0 {
            environmental = 0
        } else {
            let sum = modifiedScopeChanged ? dec(108, -2) * (modifiedImpact + modifiedExploitability)
                                           : modifiedImpact + modifiedExploitability
            environmental = roundup(roundup(min(sum, 10)) * temporalFactor)
        }

        let normal = metrics.compactMap { m in given[m.name].flatMap { $0 == "X" ? nil : "\(m.name):\($0)" } }
        var result = CVSSResult(
            version: version,
            vectorString: "CVSS:\(version.rawValue)/" + normal.joined(separator: "/"),
            details: [
                CVSSDetail("ISS", fixed(iss, 4)),
                CVSSDetail("Impact", fixed(impact, 4)),
                CVSSDetail("Exploitability", fixed(exploitability, 4)),
                CVSSDetail("MISS", fixed(miss, 4)),
                CVSSDetail("ModifiedImpact", fixed(modifiedImpact, 4)),
                CVSSDetail("ModifiedExploitability", fixed(modifiedExploitability, 4)),
            ])
        result.baseScore = double(base)
        result.baseSeverity = severity(base)
        result.temporalScore = double(temporal)
        result.temporalSeverity = severity(temporal)
        result.environmentalScore = double(environmental)
        result.environmentalSeverity = severity(environmental)
        return result
    }

    /// Qualitative severity rating scale (section 5): None 0.0, Low 0.1–3.9, Medium 4.0–6.9,
    /// High 7.0–8.9, Critical 9.0–10.0.
    private static func severity(_ score: Decimal) -> String {
        if score == 0 { return "None" }
        if score <= dec(39, -1) { return "Low" }
        if score <= dec(69, -1) { return "Medium" }
        if score <= dec(89, -1) { return "High" }
        return "Critical"
    }

    // MARK: - Arithmetic

    private static func power(_ base: Decimal, _ exponent: Int) -> Decimal {
        var result: Decimal = 1
        for _ in 0..<exponent { result *= base }
        return result
    }

    private static func rounded(_ value: Decimal, scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, mode)
        return output
    }

    /// An integer-valued decimal as an `Int`.
    private static func integer(_ value: Decimal) -> Int {
        let whole = rounded(value, scale: 0, .plain)
        return Int(whole.description) ?? NSDecimalNumber(decimal: whole).intValue
    }

    /// v3.0 Roundup: "the smallest number, specified to one decimal place, that is equal to or
    /// higher than its input" (all inputs are non-negative).
    private static func roundup30(_ value: Decimal) -> Decimal {
        rounded(value, scale: 1, .up)
    }

    /// v3.1 Roundup as Appendix A defines it: `int_input = round_to_int(input × 100000)`;
    /// if `int_input % 10000 == 0` the result is `int_input / 100000`, otherwise
    /// `(floor(int_input / 10000) + 1) / 10`.
    private static func roundup31(_ value: Decimal) -> Decimal {
        let intInput = integer(value * 100_000)
        let tenths = intInput % 10_000 == 0 ? intInput / 10_000 : intInput / 10_000 + 1
        return Decimal(sign: .plus, exponent: -1, significand: Decimal(tenths))
    }

    /// A one-decimal score as the nearest `Double` (tenths / 10 is correctly rounded).
    private static func double(_ score: Decimal) -> Double {
        Double(integer(score * 10)) / 10
    }

    /// `value` rounded half away from zero to `places` decimals, written out with all of them.
    private static func fixed(_ value: Decimal, _ places: Int) -> String {
        var scale: Decimal = 1
        for _ in 0..<places { scale *= 10 }
        let n = integer(value * scale)
        var digits = String(abs(n))
        while digits.count <= places { digits = "0" + digits }
        let split = digits.index(digits.endIndex, offsetBy: -places)
        return (n < 0 ? "-" : "") + digits[..<split] + "." + digits[split...]
    }
}
