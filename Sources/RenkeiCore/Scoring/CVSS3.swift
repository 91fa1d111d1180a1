import Foundation

/// CVSS v3.0 and v3.1 scoring (FIRST, "Common Vulnerability Scoring System v3.0/v3.1:
/// Specification Document", sections 6–8 and, for v3.1, Appendix A).
///
/// Where the formulas are polynomials of the weights (every Scope Unchanged score, ISS, MISS,
/// the exploitability sub-scores and all temporal products) the arithmetic is exact: each value
/// is an integer count of a fixed power of ten (ISS ×10⁻⁶, Exploitability ×10⁻¹⁰, …), so Roundup
/// sees the value the formulas define. The Scope Changed impact has a 13th or 15th power; it is
/// computed in `Double`, and every one of its possible inputs (all base and all modified metric
/// combinations) was checked to round up exactly as the exact decimal value does.
/// Vectors are parsed over their UTF-8 bytes; a vector the fast parser does not accept goes
/// through the string parser, which names what is wrong with it.
public enum CVSS3 {
    /// Scores a `CVSS:3.0/…` or `CVSS:3.1/…` vector. `explain: false` leaves `details` empty.
    public static func score(_ vector: String, explain: Bool = true) throws(CVSSError) -> CVSSResult {
        var codes = Codes()
        var minor = 0
        var normal = false
        let parsed = vector.utf8.withContiguousStorageIfAvailable { fastParse($0, &codes, &minor, &normal) }
        if parsed != true {
            let version: CVSSVersion
            if vector.hasPrefix("CVSS:3.1/") {
                version = .v3_1
            } else if vector.hasPrefix("CVSS:3.0/") {
                version = .v3_0
            } else {
                throw CVSSError(metric: "CVSS", "a CVSS v3 vector starts with “CVSS:3.0/” or “CVSS:3.1/”")
            }
            // Not accepted by the byte parser: the string parser says why (or, should it accept
            // the vector after all, its metrics are scored as usual).
            let given = try parse(vector, version: version)
            codes = Codes()
            for (index, metric) in metrics.enumerated() {
                if let value = given[metric.name], let code = metric.values.firstIndex(of: value) {
                    codes[index] = UInt8(code)
                }
            }
            minor = version == .v3_1 ? 1 : 0
            normal = false
        }
        return compute(codes, v31: minor == 1, input: normal ? vector : nil, explain: explain)
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
        // A modified metric's values are `X` followed by those of the metric it modifies.
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

    // MARK: - Byte parsing

    /// The chosen value of each metric, as its index in `Metric.values`, in Table 15's order;
    /// an omitted optional metric holds 0 (`X`).
    private typealias Codes = SIMD32<UInt8>

    private static let count = 22
    private static let baseCount = 8

    /// The metric whose name is `key` (up to three ASCII bytes, little-endian), or −1.
    @inline(__always)
    private static func metricCode(_ key: UInt32) -> Int {
        switch key {
        case 0x5641: return 0  // AV
        case 0x4341: return 1  // AC
        case 0x5250: return 2  // PR
        case 0x4955: return 3  // UI
        case 0x53: return 4  // S
        case 0x43: return 5  // C
        case 0x49: return 6  // I
        case 0x41: return 7  // A
        case 0x45: return 8  // E
        case 0x4C52: return 9  // RL
        case 0x4352: return 10  // RC
        case 0x5243: return 11  // CR
        case 0x5249: return 12  // IR
        case 0x5241: return 13  // AR
        case 0x56414D: return 14  // MAV
        case 0x43414D: return 15  // MAC
        case 0x52504D: return 16  // MPR
        case 0x49554D: return 17  // MUI
        case 0x534D: return 18  // MS
        case 0x434D: return 19  // MC
        case 0x494D: return 20  // MI
        case 0x414D: return 21  // MA
        default: return -1
        }
    }

    /// The index of value `key` among the values of metric `m`, or −1.
    @inline(__always)
    private static func valueCode(_ m: Int, _ key: UInt32) -> Int {
        switch m {
        case 0: switch key { case 0x4E: return 0; case 0x41: return 1; case 0x4C: return 2; case 0x50: return 3; default: return -1 }  // AV: N, A, L, P
        case 1: switch key { case 0x4C: return 0; case 0x48: return 1; default: return -1 }  // AC: L, H
        case 2: switch key { case 0x4E: return 0; case 0x4C: return 1; case 0x48: return 2; default: return -1 }  // PR: N, L, H
        case 3: switch key { case 0x4E: return 0; case 0x52: return 1; default: return -1 }  // UI: N, R
        case 4: switch key { case 0x55: return 0; case 0x43: return 1; default: return -1 }  // S: U, C
        case 5: switch key { case 0x48: return 0; case 0x4C: return 1; case 0x4E: return 2; default: return -1 }  // C: H, L, N
        case 6: switch key { case 0x48: return 0; case 0x4C: return 1; case 0x4E: return 2; default: return -1 }  // I: H, L, N
        case 7: switch key { case 0x48: return 0; case 0x4C: return 1; case 0x4E: return 2; default: return -1 }  // A: H, L, N
        case 8: switch key { case 0x58: return 0; case 0x48: return 1; case 0x46: return 2; case 0x50: return 3; case 0x55: return 4; default: return -1 }  // E: X, H, F, P, U
        case 9: switch key { case 0x58: return 0; case 0x55: return 1; case 0x57: return 2; case 0x54: return 3; case 0x4F: return 4; default: return -1 }  // RL: X, U, W, T, O
        case 10: switch key { case 0x58: return 0; case 0x43: return 1; case 0x52: return 2; case 0x55: return 3; default: return -1 }  // RC: X, C, R, U
        case 11: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4D: return 2; case 0x4C: return 3; default: return -1 }  // CR: X, H, M, L
        case 12: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4D: return 2; case 0x4C: return 3; default: return -1 }  // IR: X, H, M, L
        case 13: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4D: return 2; case 0x4C: return 3; default: return -1 }  // AR: X, H, M, L
        case 14: switch key { case 0x58: return 0; case 0x4E: return 1; case 0x41: return 2; case 0x4C: return 3; case 0x50: return 4; default: return -1 }  // MAV: X, N, A, L, P
        case 15: switch key { case 0x58: return 0; case 0x4C: return 1; case 0x48: return 2; default: return -1 }  // MAC: X, L, H
        case 16: switch key { case 0x58: return 0; case 0x4E: return 1; case 0x4C: return 2; case 0x48: return 3; default: return -1 }  // MPR: X, N, L, H
        case 17: switch key { case 0x58: return 0; case 0x4E: return 1; case 0x52: return 2; default: return -1 }  // MUI: X, N, R
        case 18: switch key { case 0x58: return 0; case 0x55: return 1; case 0x43: return 2; default: return -1 }  // MS: X, U, C
        case 19: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4C: return 2; case 0x4E: return 3; default: return -1 }  // MC: X, H, L, N
        case 20: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4C: return 2; case 0x4E: return 3; default: return -1 }  // MI: X, H, L, N
        case 21: switch key { case 0x58: return 0; case 0x48: return 1; case 0x4C: return 2; case 0x4E: return 3; default: return -1 }  // MA: X, H, L, N
        default: return -1
        }
    }

    /// Accepts only well-formed vectors: the `CVSS:3.0/` or `CVSS:3.1/` prefix, then known
    /// metrics, each once, with known values and every base metric present. Anything else
    /// returns false and is left to `parse`, which explains the problem. `normal` tells whether
    /// the vector is already in normal form (Table 15's order, no `X` value).
    private static func fastParse(_ bytes: UnsafeBufferPointer<UInt8>, _ codes: inout Codes,
                                  _ minor: inout Int, _ normal: inout Bool) -> Bool {
        let n = bytes.count
        if n < 10 || bytes[0] != UInt8(ascii: "C") || bytes[1] != UInt8(ascii: "V") || bytes[2] != UInt8(ascii: "S")
            || bytes[3] != UInt8(ascii: "S") || bytes[4] != UInt8(ascii: ":") || bytes[5] != UInt8(ascii: "3")
            || bytes[6] != UInt8(ascii: ".") || bytes[8] != UInt8(ascii: "/") { return false }
        let version = bytes[7]
        if version != UInt8(ascii: "0") && version != UInt8(ascii: "1") { return false }
        var i = 9
        var last = -1
        var seen: UInt32 = 0
        var isNormal = true
        var result = Codes()
        while true {
            // NAME: one to three bytes, then ":" and at least one byte of value. Unknown bytes
            // (including "/", ":" and non-ASCII ones) make a name or value no metric has.
            guard let (name, after) = CVSSText.token(bytes, i, UInt8(ascii: ":")), after < n else { return false }
            i = after
            let m = metricCode(name)
            if m < 0 || seen & (1 << UInt32(m)) != 0 { return false }
            guard let (value, end) = CVSSText.token(bytes, i, UInt8(ascii: "/")) else { return false }
            i = end
            let v = valueCode(m, value)
            if v < 0 { return false }
            result[m] = UInt8(truncatingIfNeeded: v)
            if (m >= baseCount && v == 0) || m < last { isNormal = false }
            seen |= 1 << UInt32(m)
            last = m
            if i >= n { break }
            i += 1  // past the "/"
        }
        if seen & 0xFF != 0xFF { return false }
        codes = result
        minor = version == UInt8(ascii: "1") ? 1 : 0
        normal = isNormal
        return true
    }

    // MARK: - String parsing (vectors the byte parser refuses)

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
            let (_, name, value) = try CVSSText.metricAndValue(component, names: metricIndex, values: { metrics[$0].values },
                                                               version: "v\(version.rawValue)", given: given)
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

    // MARK: - Weights (specification section 7.4, Table 16 of v3.1 / Table 14 of v3.0), ×10⁻²

    @inline(__always) private static func attackVector(_ code: Int) -> Int64 { switch code { case 0: 85; case 1: 62; case 2: 55; default: 20 } }  // N, A, L, P
    @inline(__always) private static func attackComplexity(_ code: Int) -> Int64 { switch code { case 0: 77; default: 44 } }  // L, H
    /// Privileges Required depends on (Modified) Scope: 0.68/0.50 instead of 0.62/0.27 when Changed.
    @inline(__always) private static func privilegesRequired(_ code: Int) -> Int64 { switch code { case 0: 85; case 1: 62; default: 27 } }  // N, L, H
    @inline(__always) private static func privilegesRequiredChanged(_ code: Int) -> Int64 { switch code { case 0: 85; case 1: 68; default: 50 } }
    @inline(__always) private static func userInteraction(_ code: Int) -> Int64 { switch code { case 0: 85; default: 62 } }  // N, R
    @inline(__always) private static func impactWeight(_ code: Int) -> Int64 { switch code { case 0: 56; case 1: 22; default: 0 } }  // H, L, N
    @inline(__always) private static func exploitMaturity(_ code: Int) -> Int64 { switch code { case 0: 100; case 1: 100; case 2: 97; case 3: 94; default: 91 } }  // X, H, F, P, U
    @inline(__always) private static func remediationLevel(_ code: Int) -> Int64 { switch code { case 0: 100; case 1: 100; case 2: 97; case 3: 96; default: 95 } }  // X, U, W, T, O
    @inline(__always) private static func reportConfidence(_ code: Int) -> Int64 { switch code { case 0: 100; case 1: 100; case 2: 96; default: 92 } }  // X, C, R, U
    /// Security requirements, ×10⁻¹.
    @inline(__always) private static func requirement(_ code: Int) -> Int64 { switch code { case 0: 10; case 1: 15; case 2: 10; default: 5 } }  // X, H, M, L

    // MARK: - Formulas (section 7)

    /// `x / d` rounded half away from zero, for `x` ≥ 0.
    @inline(__always)
    private static func divide(_ x: Int64, _ d: Int64) -> Int64 { (x + d / 2) / d }

    /// Roundup of the exact non-negative value `x` × 10^−`scale` (`scale` ≥ 5), in tenths.
    /// v3.1 (Appendix A): `int_input = round_to_int(input × 100000)`; if `int_input % 10000 == 0`
    /// the result is `int_input / 100000`, otherwise `(floor(int_input / 10000) + 1) / 10`.
    /// v3.0: the smallest number, specified to one decimal place, that is equal to or higher
    /// than its input.
    @inline(__always)
    private static func roundup(_ x: Int64, scale: Int64, v31: Bool) -> Int64 {
        if v31 {
            let intInput = divide(x, scale / 100_000)
            return intInput % 10_000 == 0 ? intInput / 10_000 : intInput / 10_000 + 1
        }
        let tenth = scale / 10
        return (x + tenth - 1) / tenth
    }

    /// Roundup of a `Double` (the Scope Changed sub-scores, 0 < x ≤ 10), in tenths.
    @inline(__always)
    private static func roundup(_ x: Double, v31: Bool) -> Int64 {
        if v31 {
            let intInput = Int64((x * 100_000).rounded(.toNearestOrAwayFromZero))
            return intInput % 10_000 == 0 ? intInput / 10_000 : intInput / 10_000 + 1
        }
        return Int64((x * 10).rounded(.up))
    }

    @inline(__always)
    private static func power(_ x: Double, _ exponent: Int) -> Double {
        let x2 = x * x, x4 = x2 * x2, x8 = x4 * x4
        return exponent == 15 ? x8 * x4 * x2 * x : x8 * x4 * x  // 15 or 13
    }

    private static func compute(_ codes: Codes, v31: Bool, input: String?, explain: Bool) -> CVSSResult {
        @inline(__always) func code(_ m: Int) -> Int { Int(codes[m]) }
        /// A modified base metric (index `m`), or the base metric it modifies when Not Defined.
        @inline(__always) func modified(_ m: Int) -> Int {
            let v = code(m)
            return v == 0 ? code(m - 14) : v - 1
        }

        // Base
        let scopeChanged = codes[4] == 1
        let c = impactWeight(code(5)), i = impactWeight(code(6)), a = impactWeight(code(7))
        let iss = 1_000_000 - (100 - c) * (100 - i) * (100 - a)  // ×10⁻⁶
        let exploitability = 822 * attackVector(code(0)) * attackComplexity(code(1))
            * (scopeChanged ? privilegesRequiredChanged(code(2)) : privilegesRequired(code(2)))
            * userInteraction(code(3))  // ×10⁻¹⁰
        var impactDouble = 0.0
        let base: Int64
        if !scopeChanged {
            // Impact = 6.42 × ISS; BaseScore = Roundup(Minimum(Impact + Exploitability, 10))
            let impact = 642 * iss  // ×10⁻⁸
            base = impact <= 0 ? 0 : roundup(min(100 * impact + exploitability, 100_000_000_000), scale: 10_000_000_000, v31: v31)
        } else {
            // Impact = 7.52 × (ISS − 0.029) − 3.25 × (ISS − 0.02)^15;
            // BaseScore = Roundup(Minimum(1.08 × (Impact + Exploitability), 10))
            let x = Double(iss) / 1_000_000
            impactDouble = 7.52 * (x - 0.029) - 3.25 * power(x - 0.02, 15)
            base = impactDouble <= 0 ? 0
                : roundup(min(1.08 * (impactDouble + Double(exploitability) / 10_000_000_000), 10), v31: v31)
        }

        // Temporal: Roundup(BaseScore × ExploitCodeMaturity × RemediationLevel × ReportConfidence)
        let temporalFactor = exploitMaturity(code(8)) * remediationLevel(code(9)) * reportConfidence(code(10))  // ×10⁻⁶
        let temporal = roundup(base * temporalFactor, scale: 10_000_000, v31: v31)

        // Environmental
        let modifiedScopeChanged = modified(18) == 1
        let q = (1000 - impactWeight(modified(19)) * requirement(code(11)))
            * (1000 - impactWeight(modified(20)) * requirement(code(12)))
            * (1000 - impactWeight(modified(21)) * requirement(code(13)))
        let miss = min(1_000_000_000 - q, 915_000_000)  // ×10⁻⁹
        let modifiedExploitability = 822 * attackVector(modified(14)) * attackComplexity(modified(15))
            * (modifiedScopeChanged ? privilegesRequiredChanged(modified(16)) : privilegesRequired(modified(16)))
            * userInteraction(modified(17))  // ×10⁻¹⁰
        var modifiedImpactDouble = 0.0
        let modifiedBase: Int64
        if !modifiedScopeChanged {
            let modifiedImpact = 642 * miss  // ×10⁻¹¹
            modifiedBase = modifiedImpact <= 0 ? 0
                : roundup(min(modifiedImpact + 10 * modifiedExploitability, 1_000_000_000_000), scale: 100_000_000_000, v31: v31)
        } else {
            // v3.1: 7.52 × (MISS − 0.029) − 3.25 × (MISS × 0.9731 − 0.02)^13;
            // v3.0: 7.52 × (MISS − 0.029) − 3.25 × (MISS − 0.02)^15
            let x = Double(miss) / 1_000_000_000
            modifiedImpactDouble = v31 ? 7.52 * (x - 0.029) - 3.25 * power(x * 0.9731 - 0.02, 13)
                                       : 7.52 * (x - 0.029) - 3.25 * power(x - 0.02, 15)
            modifiedBase = modifiedImpactDouble <= 0 ? 0
                : roundup(min(1.08 * (modifiedImpactDouble + Double(modifiedExploitability) / 10_000_000_000), 10), v31: v31)
        }
        // Roundup(Roundup(Minimum(…, 10)) × ExploitCodeMaturity × RemediationLevel × ReportConfidence)
        let environmental = roundup(modifiedBase * temporalFactor, scale: 10_000_000, v31: v31)

        let version: CVSSVersion = v31 ? .v3_1 : .v3_0
        var result = CVSSResult(version: version, vectorString: input ?? normalForm(codes, version: version))
        if explain {
            let impact = scopeChanged
                ? fixed(changedImpact(iss: iss, v31: false, modified: false), 4)
                : CVSSText.fixed(divide(642 * iss, 10_000), 4)
            let modifiedImpact = modifiedScopeChanged
                ? fixed(changedImpact(iss: miss, v31: v31, modified: true), 4)
                : CVSSText.fixed(divide(642 * miss, 10_000_000), 4)
            result.details = [
                CVSSDetail("ISS", CVSSText.fixed(divide(iss, 100), 4)),
                CVSSDetail("Impact", impact),
                CVSSDetail("Exploitability", CVSSText.fixed(divide(exploitability, 1_000_000), 4)),
                CVSSDetail("MISS", CVSSText.fixed(divide(miss, 100_000), 4)),
                CVSSDetail("ModifiedImpact", modifiedImpact),
                CVSSDetail("ModifiedExploitability", CVSSText.fixed(divide(modifiedExploitability, 1_000_000), 4)),
            ]
        }
        result.baseScore = Double(base) / 10
        result.baseSeverity = CVSSText.severity(tenths: Int(base))
        result.temporalScore = Double(temporal) / 10
        result.temporalSeverity = CVSSText.severity(tenths: Int(temporal))
        result.environmentalScore = Double(environmental) / 10
        result.environmentalSeverity = CVSSText.severity(tenths: Int(environmental))
        return result
    }

    /// "/NAME:VALUE" of metric `m` with value `code`, packed little-endian (at most 8 bytes).
    @inline(__always)
    private static func component(_ m: Int, _ code: Int) -> UInt64 {
        switch m {
        case 0: switch code { case 0: return 0x4E3A56412F; case 1: return 0x413A56412F; case 2: return 0x4C3A56412F; case 3: return 0x503A56412F; default: return 0 }  // AV
        case 1: switch code { case 0: return 0x4C3A43412F; case 1: return 0x483A43412F; default: return 0 }  // AC
        case 2: switch code { case 0: return 0x4E3A52502F; case 1: return 0x4C3A52502F; case 2: return 0x483A52502F; default: return 0 }  // PR
        case 3: switch code { case 0: return 0x4E3A49552F; case 1: return 0x523A49552F; default: return 0 }  // UI
        case 4: switch code { case 0: return 0x553A532F; case 1: return 0x433A532F; default: return 0 }  // S
        case 5: switch code { case 0: return 0x483A432F; case 1: return 0x4C3A432F; case 2: return 0x4E3A432F; default: return 0 }  // C
        case 6: switch code { case 0: return 0x483A492F; case 1: return 0x4C3A492F; case 2: return 0x4E3A492F; default: return 0 }  // I
        case 7: switch code { case 0: return 0x483A412F; case 1: return 0x4C3A412F; case 2: return 0x4E3A412F; default: return 0 }  // A
        case 8: switch code { case 0: return 0x583A452F; case 1: return 0x483A452F; case 2: return 0x463A452F; case 3: return 0x503A452F; case 4: return 0x553A452F; default: return 0 }  // E
        case 9: switch code { case 0: return 0x583A4C522F; case 1: return 0x553A4C522F; case 2: return 0x573A4C522F; case 3: return 0x543A4C522F; case 4: return 0x4F3A4C522F; default: return 0 }  // RL
        case 10: switch code { case 0: return 0x583A43522F; case 1: return 0x433A43522F; case 2: return 0x523A43522F; case 3: return 0x553A43522F; default: return 0 }  // RC
        case 11: switch code { case 0: return 0x583A52432F; case 1: return 0x483A52432F; case 2: return 0x4D3A52432F; case 3: return 0x4C3A52432F; default: return 0 }  // CR
        case 12: switch code { case 0: return 0x583A52492F; case 1: return 0x483A52492F; case 2: return 0x4D3A52492F; case 3: return 0x4C3A52492F; default: return 0 }  // IR
        case 13: switch code { case 0: return 0x583A52412F; case 1: return 0x483A52412F; case 2: return 0x4D3A52412F; case 3: return 0x4C3A52412F; default: return 0 }  // AR
        case 14: switch code { case 0: return 0x583A56414D2F; case 1: return 0x4E3A56414D2F; case 2: return 0x413A56414D2F; case 3: return 0x4C3A56414D2F; case 4: return 0x503A56414D2F; default: return 0 }  // MAV
        case 15: switch code { case 0: return 0x583A43414D2F; case 1: return 0x4C3A43414D2F; case 2: return 0x483A43414D2F; default: return 0 }  // MAC
        case 16: switch code { case 0: return 0x583A52504D2F; case 1: return 0x4E3A52504D2F; case 2: return 0x4C3A52504D2F; case 3: return 0x483A52504D2F; default: return 0 }  // MPR
        case 17: switch code { case 0: return 0x583A49554D2F; case 1: return 0x4E3A49554D2F; case 2: return 0x523A49554D2F; default: return 0 }  // MUI
        case 18: switch code { case 0: return 0x583A534D2F; case 1: return 0x553A534D2F; case 2: return 0x433A534D2F; default: return 0 }  // MS
        case 19: switch code { case 0: return 0x583A434D2F; case 1: return 0x483A434D2F; case 2: return 0x4C3A434D2F; case 3: return 0x4E3A434D2F; default: return 0 }  // MC
        case 20: switch code { case 0: return 0x583A494D2F; case 1: return 0x483A494D2F; case 2: return 0x4C3A494D2F; case 3: return 0x4E3A494D2F; default: return 0 }  // MI
        case 21: switch code { case 0: return 0x583A414D2F; case 1: return 0x483A414D2F; case 2: return 0x4C3A414D2F; case 3: return 0x4E3A414D2F; default: return 0 }  // MA
        default: return 0
        }
    }

    /// Table 15's order with Not Defined metrics left out.
    private static func normalForm(_ codes: Codes, version: CVSSVersion) -> String {
        String(unsafeUninitializedCapacity: 192) { buffer in
            // Each component is stored as one 8-byte word (the buffer has room for the overshoot).
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            // "CVSS:3.x" (8 bytes)
            let prefix: UInt64 = version == .v3_1 ? 0x312E_333A_5353_5643 : 0x302E_333A_5353_5643
            base.storeBytes(of: prefix.littleEndian, toByteOffset: 0, as: UInt64.self)
            var n = 8
            for m in 0..<count where m < baseCount || codes[m] != 0 {
                let word = component(m, Int(codes[m]))
                base.storeBytes(of: word.littleEndian, toByteOffset: n, as: UInt64.self)
                n += (64 - word.leadingZeroBitCount + 7) / 8
            }
            return n
        }
    }

    // MARK: - Explanation (decimal arithmetic, 38 significant digits)

    private static func dec(_ significand: Int, _ exponent: Int) -> Decimal {
        Decimal(sign: .plus, exponent: exponent, significand: Decimal(significand))
    }

    private static func power(_ base: Decimal, _ exponent: Int) -> Decimal {
        var result: Decimal = 1
        for _ in 0..<exponent { result *= base }
        return result
    }

    /// The Scope Changed (Modified) Impact in decimal, from ISS ×10⁻⁶ or MISS ×10⁻⁹, for its
    /// value written to four decimals in the details.
    private static func changedImpact(iss: Int64, v31: Bool, modified: Bool) -> Decimal {
        let x = modified ? dec(Int(iss), -9) : dec(Int(iss), -6)
        if v31 {
            return dec(752, -2) * (x - dec(29, -3)) - dec(325, -2) * power(x * dec(9731, -4) - dec(2, -2), 13)
        }
        return dec(752, -2) * (x - dec(29, -3)) - dec(325, -2) * power(x - dec(2, -2), 15)
    }

    /// `value` rounded half away from zero to `places` decimals, written out with all of them.
    private static func fixed(_ value: Decimal, _ places: Int) -> String {
        var scale: Decimal = 1
        for _ in 0..<places { scale *= 10 }
        var input = value * scale
        var whole = Decimal()
        NSDecimalRound(&whole, &input, 0, .plain)
        return CVSSText.fixed(Int64(whole.description) ?? Int64(NSDecimalNumber(decimal: whole).intValue), places)
    }
}
