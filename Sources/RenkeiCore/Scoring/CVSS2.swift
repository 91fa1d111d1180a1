import Foundation

/// CVSS v2 scoring (FIRST, "A Complete Guide to the Common Vulnerability Scoring System
/// Version 2.0", sections 2.4 and 3.2).
///
/// The arithmetic is decimal (`Foundation.Decimal`, 38 significant digits, enough to hold every
/// intermediate value exactly), so round_to_1_decimal rounds the exact value half up.
public enum CVSS2 {
    /// Scores a v2 vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C`.
    public static func score(_ vector: String) throws(CVSSError) -> CVSSResult {
        compute(try parse(vector))
    }

    // MARK: - Metrics

    private enum Group { case base, temporal, environmental }

    private struct Metric {
        let name: String
        /// Allowed values in the guide's order; temporal and environmental ones end with `ND`.
        let values: [String]
        let group: Group
    }

    /// The guide's predetermined order (section 2.4, Tables 12–14).
    private static let metrics: [Metric] = [
        Metric(name: "AV", values: ["L", "A", "N"], group: .base),
        Metric(name: "AC", values: ["H", "M", "L"], group: .base),
        Metric(name: "Au", values: ["M", "S", "N"], group: .base),
        Metric(name: "C", values: ["N", "P", "C"], group: .base),
        Metric(name: "I", values: ["N", "P", "C"], group: .base),
        Metric(name: "A", values: ["N", "P", "C"], group: .base),
        Metric(name: "E", values: ["U", "POC", "F", "H", "ND"], group: .temporal),
        Metric(name: "RL", values: ["OF", "TF", "W", "U", "ND"], group: .temporal),
        Metric(name: "RC", values: ["UC", "UR", "C", "ND"], group: .temporal),
        Metric(name: "CDP", values: ["N", "L", "LM", "MH", "H", "ND"], group: .environmental),
        Metric(name: "TD", values: ["N", "L", "M", "H", "ND"], group: .environmental),
        Metric(name: "CR", values: ["L", "M", "H", "ND"], group: .environmental),
        Metric(name: "IR", values: ["L", "M", "H", "ND"], group: .environmental),
        Metric(name: "AR", values: ["L", "M", "H", "ND"], group: .environmental),
    ]

    private static let metricIndex: [String: Int] = Dictionary(
        uniqueKeysWithValues: metrics.enumerated().map { ($0.element.name, $0.offset) })

    // MARK: - Parsing

    /// The guide lists the metrics "in a predetermined order": the six base metrics are
    /// mandatory and every metric must follow the one before it in that order (Red Hat's cvss
    /// also accepts other orders). Temporal and environmental metrics are optional one by one;
    /// an omitted one is Not Defined (`ND`), as Red Hat's cvss treats it.
    private static func parse(_ vector: String) throws(CVSSError) -> [String: String] {
        if vector.isEmpty { throw CVSSError("the vector is empty") }
        if vector.hasSuffix("/") { throw CVSSError("the vector ends with “/”; remove the trailing slash") }
        var given: [String: String] = [:]
        var last = -1
        for (position, component) in vector.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            if component.isEmpty {
                throw CVSSError(position == 0 ? "the vector starts with “/”" : "component \(position + 1) is empty (“//”)")
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
                throw CVSSError(metric: name, "“\(name)” is not a CVSS v2 metric\(hint)")
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
            if index < last {
                throw CVSSError(metric: name, "\(name) must come before \(metrics[last].name): CVSS v2 metrics follow the order "
                                + metrics.map(\.name).joined(separator: "/"))
            }
            given[name] = value
            last = index
        }
        let missing = metrics.filter { $0.group == .base && given[$0.name] == nil }.map(\.name)
        if let first = missing.first {
            let list = missing.joined(separator: ", ")
            throw CVSSError(metric: first, missing.count == 1
                ? "the mandatory base metric \(list) is missing"
                : "the mandatory base metrics \(list) are missing")
        }
        return given
    }

    // MARK: - Weights (section 3.2.1–3.2.3)

    private static func dec(_ significand: Int, _ exponent: Int) -> Decimal {
        Decimal(sign: .plus, exponent: exponent, significand: Decimal(significand))
    }

    private static func weight(_ name: String, _ value: String) -> Decimal {
        switch (name, value) {
        case ("AV", "L"): dec(395, -3)
        case ("AV", "A"): dec(646, -3)
        case ("AV", _): 1
        case ("AC", "H"): dec(35, -2)
        case ("AC", "M"): dec(61, -2)
        case ("AC", _): dec(71, -2)
        case ("Au", "M"): dec(45, -2)
        case ("Au", "S"): dec(56, -2)
        case ("Au", _): dec(704, -3)
        case ("C", "P"), ("I", "P"), ("A", "P"): dec(275, -3)
        case ("C", "C"), ("I", "C"), ("A", "C"): dec(660, -3)
        case ("C", _), ("I", _), ("A", _): 0
        case ("E", "U"): dec(85, -2)
        case ("E", "POC"): dec(9, -1)
        case ("E", "F"): dec(95, -2)
        case ("E", _): 1
        case ("RL", "OF"): dec(87, -2)
        case ("RL", "TF"): dec(90, -2)
        case ("RL", "W"): dec(95, -2)
        case ("RL", _): 1
        case ("RC", "UC"): dec(90, -2)
        case ("RC", "UR"): dec(95, -2)
        case ("RC", _): 1
        case ("CDP", "L"): dec(1, -1)
        case ("CDP", "LM"): dec(3, -1)
        case ("CDP", "MH"): dec(4, -1)
        case ("CDP", "H"): dec(5, -1)
        case ("CDP", _): 0  // None and Not Defined
        case ("TD", "N"): 0
        case ("TD", "L"): dec(25, -2)
        case ("TD", "M"): dec(75, -2)
        case ("TD", _): 1  // High and Not Defined
        case (_, "L"): dec(5, -1)  // CR, IR, AR
        case (_, "H"): dec(151, -2)
        default: 1  // CR, IR, AR Medium and Not Defined
        }
    }

    // MARK: - Equations (section 3.2)

    private static func compute(_ given: [String: String]) -> CVSSResult {
        func w(_ name: String) -> Decimal { weight(name, given[name] ?? "ND") }
        func defined(_ group: Group) -> Bool {
            metrics.contains { $0.group == group && (given[$0.name] ?? "ND") != "ND" }
        }
        /// BaseScore = round_to_1_decimal(((0.6×Impact)+(0.4×Exploitability)−1.5)×f(Impact)),
        /// f(Impact) = 0 if Impact = 0, 1.176 otherwise.
        func baseEquation(impact: Decimal, exploitability: Decimal) -> Decimal {
            let f: Decimal = impact == 0 ? 0 : dec(1176, -3)
            return round1((dec(6, -1) * impact + dec(4, -1) * exploitability - dec(15, -1)) * f)
        }

        let impact = dec(1041, -2) * (1 - (1 - w("C")) * (1 - w("I")) * (1 - w("A")))
        let exploitability = 20 * w("AV") * w("AC") * w("Au")
        let base = max(0, baseEquation(impact: impact, exploitability: exploitability))
        let temporalFactor = w("E") * w("RL") * w("RC")
        var details = [CVSSDetail("Impact", fixed(impact, 4)), CVSSDetail("Exploitability", fixed(exploitability, 4))]

        var temporal: Decimal?
        if defined(.temporal) {
            temporal = max(0, round1(base * temporalFactor))
        }
        var environmental: Decimal?
        if defined(.environmental) {
            // AdjustedImpact = min(10, 10.41×(1−(1−ConfImpact×ConfReq)×(1−IntegImpact×IntegReq)
            //                                  ×(1−AvailImpact×AvailReq)))
            let adjustedImpact = min(10, dec(1041, -2) * (1 - (1 - w("C") * w("CR"))
                                                           * (1 - w("I") * w("IR"))
                                                           * (1 - w("A") * w("AR"))))
            // AdjustedTemporal = TemporalScore recomputed with the BaseScore's Impact sub-equation
            // replaced by AdjustedImpact (Not Defined temporal metrics weigh 1).
            let adjustedBase = baseEquation(impact: adjustedImpact, exploitability: exploitability)
            let adjustedTemporal = round1(adjustedBase * temporalFactor)
            // EnvironmentalScore = round_to_1_decimal((AdjustedTemporal+(10−AdjustedTemporal)
            //                      ×CollateralDamagePotential)×TargetDistribution)
            // With a Low requirement the adjusted base equation can go below zero (e.g.
            // AV:L/AC:H/Au:M/C:P/I:N/A:N/CR:L gives −0.2); scores range from 0 to 10, so the
            // result is floored at 0.0, as Red Hat's cvss does.
            let raw = round1((adjustedTemporal + (10 - adjustedTemporal) * w("CDP")) * w("TD"))
            environmental = max(0, raw)
            details += [CVSSDetail("AdjustedImpact", fixed(adjustedImpact, 4)),
                        CVSSDetail("AdjustedBase", fixed(adjustedBase, 1)),
                        CVSSDetail("AdjustedTemporal", fixed(adjustedTemporal, 1))]
        }

        let normal = metrics.compactMap { m in given[m.name].flatMap { $0 == "ND" ? nil : "\(m.name):\($0)" } }
        var result = CVSSResult(version: .v2, vectorString: normal.joined(separator: "/"), details: details)
        result.baseScore = double(base)
        result.baseSeverity = severity(base)
        if let temporal {
            result.temporalScore = double(temporal)
            result.temporalSeverity = severity(temporal)
        }
        if let environmental {
            result.environmentalScore = double(environmental)
            result.environmentalSeverity = severity(environmental)
        }
        return result
    }

    /// The v2 guide defines no severity; this is NVD's scale (and Red Hat's cvss):
    /// Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0.
    private static func severity(_ score: Decimal) -> String {
        if score <= dec(39, -1) { return "Low" }
        if score <= dec(69, -1) { return "Medium" }
        return "High"
    }

    // MARK: - Arithmetic

    private static func rounded(_ value: Decimal, scale: Int) -> Decimal {
        var input = value
        var output = Decimal()
        NSDecimalRound(&output, &input, scale, .plain)
        return output
    }

    /// round_to_1_decimal: half away from zero (the guide's "round to one decimal").
    private static func round1(_ value: Decimal) -> Decimal {
        rounded(value, scale: 1)
    }

    /// An integer-valued decimal as an `Int`.
    private static func integer(_ value: Decimal) -> Int {
        let whole = rounded(value, scale: 0)
        return Int(whole.description) ?? NSDecimalNumber(decimal: whole).intValue
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
