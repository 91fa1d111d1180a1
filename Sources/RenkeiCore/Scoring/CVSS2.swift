import Foundation

/// CVSS v2 scoring (FIRST, "A Complete Guide to the Common Vulnerability Scoring System
/// Version 2.0", sections 2.4 and 3.2).
///
/// The arithmetic is exact: every weight has at most three decimals, so each intermediate value
/// is an integer count of a fixed power of ten (10⁻¹¹ for Impact, 10⁻⁹ for Exploitability,
/// 10⁻¹⁷ for AdjustedImpact, …), held in `Int64` or `Int128`, and round_to_1_decimal rounds the
/// exact value half away from zero. Vectors are parsed over their UTF-8 bytes; a vector the fast
/// parser does not accept goes through the string parser, which names what is wrong with it.
public enum CVSS2 {
    /// Scores a v2 vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P/E:F/RL:OF/RC:C`.
    /// `explain: false` leaves `details` empty.
    public static func score(_ vector: String, explain: Bool = true) throws(CVSSError) -> CVSSResult {
        var codes = Codes()
        var normal = false
        let parsed = vector.utf8.withContiguousStorageIfAvailable { fastParse($0, &codes, &normal) }
        if parsed != true {
            // Not accepted by the byte parser: the string parser says why (or, should it accept
            // the vector after all, its metrics are scored as usual).
            let given = try parse(vector)
            codes = allNotDefined
            for (index, metric) in metrics.enumerated() {
                if let value = given[metric.name], let code = metric.values.firstIndex(of: value) {
                    codes[index] = UInt8(code)
                }
            }
            normal = false
        }
        return compute(codes, input: normal ? vector : nil, explain: explain)
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

    // MARK: - Byte parsing

    /// The chosen value of each metric, as its index in `Metric.values`, in the guide's order;
    /// an omitted temporal or environmental metric holds the index of `ND`.
    private typealias Codes = SIMD16<UInt8>

    private static let count = 14
    /// Every temporal and environmental metric Not Defined.
    private static var allNotDefined: Codes { Codes(0, 0, 0, 0, 0, 0, 4, 4, 3, 5, 4, 3, 3, 3, 0, 0) }

    /// Index of `ND` (the last value) of each metric; base metrics have none (−1).
    @inline(__always)
    private static func notDefined(_ m: Int) -> Int {
        switch m { case 6, 7, 10: 4; case 8, 11, 12, 13: 3; case 9: 5; default: -1 }
    }

    /// The metric whose name is `key` (up to three ASCII bytes, little-endian), or −1.
    @inline(__always)
    private static func metricCode(_ key: UInt32) -> Int {
        switch key {
        case 0x5641: return 0  // AV
        case 0x4341: return 1  // AC
        case 0x7541: return 2  // Au
        case 0x43: return 3  // C
        case 0x49: return 4  // I
        case 0x41: return 5  // A
        case 0x45: return 6  // E
        case 0x4C52: return 7  // RL
        case 0x4352: return 8  // RC
        case 0x504443: return 9  // CDP
        case 0x4454: return 10  // TD
        case 0x5243: return 11  // CR
        case 0x5249: return 12  // IR
        case 0x5241: return 13  // AR
        default: return -1
        }
    }

    /// The index of value `key` among the values of metric `m`, or −1.
    @inline(__always)
    private static func valueCode(_ m: Int, _ key: UInt32) -> Int {
        switch m {
        case 0: switch key { case 0x4C: return 0; case 0x41: return 1; case 0x4E: return 2; default: return -1 }  // AV: L, A, N
        case 1: switch key { case 0x48: return 0; case 0x4D: return 1; case 0x4C: return 2; default: return -1 }  // AC: H, M, L
        case 2: switch key { case 0x4D: return 0; case 0x53: return 1; case 0x4E: return 2; default: return -1 }  // Au: M, S, N
        case 3: switch key { case 0x4E: return 0; case 0x50: return 1; case 0x43: return 2; default: return -1 }  // C: N, P, C
        case 4: switch key { case 0x4E: return 0; case 0x50: return 1; case 0x43: return 2; default: return -1 }  // I: N, P, C
        case 5: switch key { case 0x4E: return 0; case 0x50: return 1; case 0x43: return 2; default: return -1 }  // A: N, P, C
        case 6: switch key { case 0x55: return 0; case 0x434F50: return 1; case 0x46: return 2; case 0x48: return 3; case 0x444E: return 4; default: return -1 }  // E: U, POC, F, H, ND
        case 7: switch key { case 0x464F: return 0; case 0x4654: return 1; case 0x57: return 2; case 0x55: return 3; case 0x444E: return 4; default: return -1 }  // RL: OF, TF, W, U, ND
        case 8: switch key { case 0x4355: return 0; case 0x5255: return 1; case 0x43: return 2; case 0x444E: return 3; default: return -1 }  // RC: UC, UR, C, ND
        case 9: switch key { case 0x4E: return 0; case 0x4C: return 1; case 0x4D4C: return 2; case 0x484D: return 3; case 0x48: return 4; case 0x444E: return 5; default: return -1 }  // CDP: N, L, LM, MH, H, ND
        case 10: switch key { case 0x4E: return 0; case 0x4C: return 1; case 0x4D: return 2; case 0x48: return 3; case 0x444E: return 4; default: return -1 }  // TD: N, L, M, H, ND
        case 11: switch key { case 0x4C: return 0; case 0x4D: return 1; case 0x48: return 2; case 0x444E: return 3; default: return -1 }  // CR: L, M, H, ND
        case 12: switch key { case 0x4C: return 0; case 0x4D: return 1; case 0x48: return 2; case 0x444E: return 3; default: return -1 }  // IR: L, M, H, ND
        case 13: switch key { case 0x4C: return 0; case 0x4D: return 1; case 0x48: return 2; case 0x444E: return 3; default: return -1 }  // AR: L, M, H, ND
        default: return -1
        }
    }

    /// Accepts only well-formed vectors: known metrics in the guide's order, each once, with
    /// known values and every base metric present. Anything else returns false and is left to
    /// `parse`, which explains the problem. `normal` tells whether the vector is already in
    /// normal form (it names no `ND` value).
    private static func fastParse(_ bytes: UnsafeBufferPointer<UInt8>, _ codes: inout Codes, _ normal: inout Bool) -> Bool {
        let n = bytes.count
        var i = 0
        var next = 0
        var seen: UInt32 = 0
        var isNormal = true
        var result = allNotDefined
        while true {
            // NAME: one to three bytes, then ":" and at least one byte of value. Unknown bytes
            // (including "/", ":" and non-ASCII ones) make a name or value no metric has.
            guard let (name, after) = CVSSText.token(bytes, i, UInt8(ascii: ":")), after < n else { return false }
            i = after
            let m = metricCode(name)
            if m < next { return false }  // unknown (−1), out of order or repeated
            guard let (value, end) = CVSSText.token(bytes, i, UInt8(ascii: "/")) else { return false }
            i = end
            let v = valueCode(m, value)
            if v < 0 { return false }
            result[m] = UInt8(truncatingIfNeeded: v)
            if v == notDefined(m) { isNormal = false }
            seen |= 1 << UInt32(m)
            next = m + 1
            if i >= n { break }
            i += 1  // past the "/"
        }
        if seen & 0x3F != 0x3F { return false }
        codes = result
        normal = isNormal
        return true
    }

    // MARK: - String parsing (vectors the byte parser refuses)

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
            let (index, name, value) = try CVSSText.metricAndValue(component, names: metricIndex, values: { metrics[$0].values },
                                                                   version: "v2", given: given)
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

    // MARK: - Weights (section 3.2.1–3.2.3), as integers of the stated scale

    @inline(__always) private static func accessVector(_ code: Int) -> Int64 { switch code { case 0: 395; case 1: 646; default: 1000 } }  // L, A, N (×10⁻³)
    @inline(__always) private static func accessComplexity(_ code: Int) -> Int64 { switch code { case 0: 350; case 1: 610; default: 710 } }  // H, M, L (×10⁻³)
    @inline(__always) private static func authentication(_ code: Int) -> Int64 { switch code { case 0: 450; case 1: 560; default: 704 } }  // M, S, N (×10⁻³)
    @inline(__always) private static func impactWeight(_ code: Int) -> Int64 { switch code { case 0: 0; case 1: 275; default: 660 } }  // N, P, C (×10⁻³)
    @inline(__always) private static func exploitabilityWeight(_ code: Int) -> Int64 { switch code { case 0: 85; case 1: 90; case 2: 95; case 3: 100; default: 100 } }  // U, POC, F, H, ND (×10⁻²)
    @inline(__always) private static func remediationLevel(_ code: Int) -> Int64 { switch code { case 0: 87; case 1: 90; case 2: 95; case 3: 100; default: 100 } }  // OF, TF, W, U, ND (×10⁻²)
    @inline(__always) private static func reportConfidence(_ code: Int) -> Int64 { switch code { case 0: 90; case 1: 95; case 2: 100; default: 100 } }  // UC, UR, C, ND (×10⁻²)
    @inline(__always) private static func collateralDamage(_ code: Int) -> Int64 { switch code { case 0: 0; case 1: 1; case 2: 3; case 3: 4; case 4: 5; default: 0 } }  // N, L, LM, MH, H, ND (×10⁻¹)
    @inline(__always) private static func targetDistribution(_ code: Int) -> Int64 { switch code { case 0: 0; case 1: 25; case 2: 75; case 3: 100; default: 100 } }  // N, L, M, H, ND (×10⁻²)
    @inline(__always) private static func requirement(_ code: Int) -> Int64 { switch code { case 0: 50; case 1: 100; case 2: 151; default: 100 } }  // L, M, H, ND (×10⁻²)

    // MARK: - Equations (section 3.2)

    /// `x / d` rounded half away from zero (`d` > 0).
    @inline(__always)
    private static func divide(_ x: Int64, _ d: Int64) -> Int64 {
        x >= 0 ? (x + d / 2) / d : -((-x + d / 2) / d)
    }

    @inline(__always)
    private static func divide(_ x: Int128, _ d: Int128) -> Int128 {
        x >= 0 ? (x + d / 2) / d : -((-x + d / 2) / d)
    }

    private static func compute(_ codes: Codes, input: String?, explain: Bool) -> CVSSResult {
        @inline(__always) func code(_ m: Int) -> Int { Int(codes[m]) }
        let c = impactWeight(code(3)), i = impactWeight(code(4)), a = impactWeight(code(5))
        // Impact = 10.41×(1−(1−ConfImpact)×(1−IntegImpact)×(1−AvailImpact))   (×10⁻¹¹)
        let impact = 1041 * (1_000_000_000 - (1000 - c) * (1000 - i) * (1000 - a))
        // Exploitability = 20×AccessVector×AccessComplexity×Authentication   (×10⁻⁹)
        let exploitability = 20 * accessVector(code(0)) * accessComplexity(code(1)) * authentication(code(2))
        // BaseScore = round_to_1_decimal(((0.6×Impact)+(0.4×Exploitability)−1.5)×f(Impact)),
        // f(Impact) = 0 if Impact = 0, 1.176 otherwise   (×10⁻¹⁵ before rounding, then tenths)
        let base: Int64 = impact == 0 ? 0
            : max(0, divide(1176 * (6 * impact + 400 * exploitability - 1_500_000_000_000), 100_000_000_000_000))
        // TemporalFactor = Exploitability×RemediationLevel×ReportConfidence   (×10⁻⁶)
        let temporalFactor = exploitabilityWeight(code(6)) * remediationLevel(code(7)) * reportConfidence(code(8))
        let temporalDefined = codes[6] != 4 || codes[7] != 4 || codes[8] != 3
        let environmentalDefined = codes[9] != 5 || codes[10] != 4 || codes[11] != 3 || codes[12] != 3 || codes[13] != 3

        var temporal: Int64 = 0
        if temporalDefined {
            temporal = max(0, divide(base * temporalFactor, 1_000_000))
        }
        var environmental: Int64 = 0
        var adjustedImpact: Int128 = 0, adjustedBase: Int64 = 0, adjustedTemporal: Int64 = 0
        if environmentalDefined {
            // AdjustedImpact = min(10, 10.41×(1−(1−ConfImpact×ConfReq)×(1−IntegImpact×IntegReq)
            //                                  ×(1−AvailImpact×AvailReq)))   (×10⁻¹⁷)
            let q = Int128((100_000 - c * requirement(code(11))) * (100_000 - i * requirement(code(12))))
                * Int128(100_000 - a * requirement(code(13)))
            adjustedImpact = min(1_000_000_000_000_000_000, 1041 * (1_000_000_000_000_000 - q))
            // AdjustedTemporal = TemporalScore recomputed with the BaseScore's Impact sub-equation
            // replaced by AdjustedImpact (Not Defined temporal metrics weigh 1)   (×10⁻²¹, then tenths)
            adjustedBase = adjustedImpact == 0 ? 0
                : Int64(divide(1176 * (6 * adjustedImpact + 400_000_000 * Int128(exploitability)
                                       - 1_500_000_000_000_000_000), 100_000_000_000_000_000_000))
            adjustedTemporal = divide(adjustedBase * temporalFactor, 1_000_000)
            // EnvironmentalScore = round_to_1_decimal((AdjustedTemporal+(10−AdjustedTemporal)
            //                      ×CollateralDamagePotential)×TargetDistribution)   (×10⁻⁴)
            // With a Low requirement the adjusted base equation can go below zero (e.g.
            // AV:L/AC:H/Au:M/C:P/I:N/A:N/CR:L gives −0.2); scores range from 0 to 10, so the
            // result is floored at 0.0, as Red Hat's cvss does.
            let raw = (10 * adjustedTemporal + (100 - adjustedTemporal) * collateralDamage(code(9)))
                * targetDistribution(code(10))
            environmental = max(0, divide(raw, 1000))
        }

        var result = CVSSResult(version: .v2, vectorString: input ?? normalForm(codes))
        if explain {
            result.details = [CVSSDetail("Impact", CVSSText.fixed(divide(impact, 10_000_000), 4)),
                              CVSSDetail("Exploitability", CVSSText.fixed(divide(exploitability, 100_000), 4))]
            if environmentalDefined {
                result.details += [CVSSDetail("AdjustedImpact", CVSSText.fixed(Int64(divide(adjustedImpact, 10_000_000_000_000)), 4)),
                                   CVSSDetail("AdjustedBase", CVSSText.fixed(adjustedBase, 1)),
                                   CVSSDetail("AdjustedTemporal", CVSSText.fixed(adjustedTemporal, 1))]
            }
        }
        result.baseScore = Double(base) / 10
        result.baseSeverity = severity(base)
        if temporalDefined {
            result.temporalScore = Double(temporal) / 10
            result.temporalSeverity = severity(temporal)
        }
        if environmentalDefined {
            result.environmentalScore = Double(environmental) / 10
            result.environmentalSeverity = severity(environmental)
        }
        return result
    }

    /// "/NAME:VALUE" of metric `m` with value `code`, packed little-endian (at most 8 bytes).
    @inline(__always)
    private static func component(_ m: Int, _ code: Int) -> UInt64 {
        switch m {
        case 0: switch code { case 0: return 0x4C3A56412F; case 1: return 0x413A56412F; case 2: return 0x4E3A56412F; default: return 0 }  // AV
        case 1: switch code { case 0: return 0x483A43412F; case 1: return 0x4D3A43412F; case 2: return 0x4C3A43412F; default: return 0 }  // AC
        case 2: switch code { case 0: return 0x4D3A75412F; case 1: return 0x533A75412F; case 2: return 0x4E3A75412F; default: return 0 }  // Au
        case 3: switch code { case 0: return 0x4E3A432F; case 1: return 0x503A432F; case 2: return 0x433A432F; default: return 0 }  // C
        case 4: switch code { case 0: return 0x4E3A492F; case 1: return 0x503A492F; case 2: return 0x433A492F; default: return 0 }  // I
        case 5: switch code { case 0: return 0x4E3A412F; case 1: return 0x503A412F; case 2: return 0x433A412F; default: return 0 }  // A
        case 6: switch code { case 0: return 0x553A452F; case 1: return 0x434F503A452F; case 2: return 0x463A452F; case 3: return 0x483A452F; case 4: return 0x444E3A452F; default: return 0 }  // E
        case 7: switch code { case 0: return 0x464F3A4C522F; case 1: return 0x46543A4C522F; case 2: return 0x573A4C522F; case 3: return 0x553A4C522F; case 4: return 0x444E3A4C522F; default: return 0 }  // RL
        case 8: switch code { case 0: return 0x43553A43522F; case 1: return 0x52553A43522F; case 2: return 0x433A43522F; case 3: return 0x444E3A43522F; default: return 0 }  // RC
        case 9: switch code { case 0: return 0x4E3A5044432F; case 1: return 0x4C3A5044432F; case 2: return 0x4D4C3A5044432F; case 3: return 0x484D3A5044432F; case 4: return 0x483A5044432F; case 5: return 0x444E3A5044432F; default: return 0 }  // CDP
        case 10: switch code { case 0: return 0x4E3A44542F; case 1: return 0x4C3A44542F; case 2: return 0x4D3A44542F; case 3: return 0x483A44542F; case 4: return 0x444E3A44542F; default: return 0 }  // TD
        case 11: switch code { case 0: return 0x4C3A52432F; case 1: return 0x4D3A52432F; case 2: return 0x483A52432F; case 3: return 0x444E3A52432F; default: return 0 }  // CR
        case 12: switch code { case 0: return 0x4C3A52492F; case 1: return 0x4D3A52492F; case 2: return 0x483A52492F; case 3: return 0x444E3A52492F; default: return 0 }  // IR
        case 13: switch code { case 0: return 0x4C3A52412F; case 1: return 0x4D3A52412F; case 2: return 0x483A52412F; case 3: return 0x444E3A52412F; default: return 0 }  // AR
        default: return 0
        }
    }

    /// The guide's order with Not Defined metrics left out.
    private static func normalForm(_ codes: Codes) -> String {
        String(unsafeUninitializedCapacity: 128) { buffer in
            // Each component is stored as one 8-byte word (the buffer has room for the overshoot).
            let base = UnsafeMutableRawPointer(buffer.baseAddress!)
            var n = 0
            for m in 0..<count where Int(codes[m]) != notDefined(m) {
                var word = component(m, Int(codes[m]))
                var length = (64 - word.leadingZeroBitCount + 7) / 8
                if n == 0 { word >>= 8; length -= 1 }  // no "/" before the first metric
                base.storeBytes(of: word.littleEndian, toByteOffset: n, as: UInt64.self)
                n += length
            }
            return n
        }
    }

    /// The v2 guide defines no severity; this is NVD's scale (and Red Hat's cvss):
    /// Low 0.0–3.9, Medium 4.0–6.9, High 7.0–10.0 (`tenths` is the score × 10).
    private static func severity(_ tenths: Int64) -> String {
        if tenths <= 39 { return "Low" }
        if tenths <= 69 { return "Medium" }
        return "High"
    }
}
