// CVSS v4.0 scoring.
//
// Sources (facts, formulas and data; the code is Renkei's own):
// - FIRST, "Common Vulnerability Scoring System v4.0: Specification Document",
//   https://www.first.org/cvss/v4.0/specification-document — metrics and values (Table 23 gives
//   the mandatory order of a vector string), equivalence sets EQ1–EQ6, the MacroVector,
//   nomenclature (CVSS-B, CVSS-BT, CVSS-BE, CVSS-BTE) and the qualitative severity scale.
// - FIRST's reference calculator, https://github.com/FIRSTdotorg/cvss-v4-calculator
//   (cvss_score.js, max_composed.js, max_severity.js, cvss_lookup.js): the interpolation between a
//   MacroVector and its next lower MacroVectors by severity distance, the highest-severity vectors
//   of each equivalence class, the depth of each class, and half-up rounding after adding 1e-6.
// - The MacroVector table below: FIRST's 270 MacroVector scores, generated from
//   Tests/Fixtures/cvss4-macrovector-scores.txt (FIRSTdotorg/cvss-resources,
//   vectorFiles/macro-scores: the highest vector of each MacroVector with its score); it equals
//   cvss_lookup.js.

/// Scores CVSS v4.0 vectors (`CVSS:4.0/AV:N/AC:L/...`).
public enum CVSS4 {
    /// Validates `vector` and computes its CVSS v4.0 score.
    ///
    /// The vector must start with `CVSS:4.0/`, give the eleven base metrics and may give threat,
    /// environmental and supplemental metrics, each at most once, in the order of the
    /// specification's Table 23, with case-sensitive values (`X`, Not Defined, only for optional
    /// metrics). Supplemental metrics never change the score.
    /// Validates `vector` and computes its CVSS v4.0 score.
    ///
    /// The vector must start with `CVSS:4.0/`, give the eleven base metrics and may give threat,
    /// environmental and supplemental metrics, each at most once, in the order of the
    /// specification's Table 23, with case-sensitive values (`X`, Not Defined, only for optional
    /// metrics). Supplemental metrics never change the score. `explain: false` leaves `details`
    /// empty and formats no text.
    public static func score(_ vector: String, explain: Bool = true) throws(CVSSError) -> CVSSResult {
        // The fast parser accepts exactly the valid vectors; whatever it refuses goes to `parse`,
        // which names the metric to blame (and would score the vector, were the fast one too strict).
        var codes = fastParse(vector)
        if codes == nil { codes = Codes(try parse(vector)) }
        guard let codes else { throw CVSSError(metric: "CVSS", "internal error") }

        var result = CVSSResult(version: .v4_0, vectorString: vector)
        let tenths = explain ? Scoring.explainedTenths(codes, details: &result.details) : Scoring.tenths(codes)
        result.score = Double(tenths) / 10
        result.severity = CVSSText.severity(tenths: tenths)
        switch (codes.threat, codes.environmental) {
        case (false, false): result.nomenclature = "CVSS-B"
        case (true, false): result.nomenclature = "CVSS-BT"
        case (false, true): result.nomenclature = "CVSS-BE"
        case (true, true): result.nomenclature = "CVSS-BTE"
        }
        return result
    }
}

// MARK: - Metrics

extension CVSS4 {
    enum Group: Sendable { case base, threat, environmental, supplemental }

    /// The metrics in the order of the specification's Table 23, which is the mandatory order of
    /// a vector string.
    enum Metric: Int, CaseIterable, Sendable {
        case av, ac, at, pr, ui, vc, vi, va, sc, si, sa
        case e
        case cr, ir, ar, mav, mac, mat, mpr, mui, mvc, mvi, mva, msc, msi, msa
        case s, au, r, v, re, u

        var abbreviation: String { Self.abbreviations[rawValue] }
        var values: [String] { Self.allowedValues[rawValue] }

        var group: Group {
            switch self {
            case .av, .ac, .at, .pr, .ui, .vc, .vi, .va, .sc, .si, .sa: .base
            case .e: .threat
            case .s, .au, .r, .v, .re, .u: .supplemental
            default: .environmental
            }
        }

        init?(abbreviation: String) {
            guard let index = Self.abbreviations.firstIndex(of: abbreviation) else { return nil }
            self.init(rawValue: index)
        }

        private static let abbreviations = [
            "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
            "E",
            "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
            "S", "AU", "R", "V", "RE", "U",
        ]

        private static let allowedValues: [[String]] = [
            ["N", "A", "L", "P"], ["L", "H"], ["N", "P"], ["N", "L", "H"], ["N", "P", "A"],  // AV AC AT PR UI
            ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"],                              // VC VI VA
            ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"],                              // SC SI SA
            ["X", "A", "P", "U"],                                                          // E
            ["X", "H", "M", "L"], ["X", "H", "M", "L"], ["X", "H", "M", "L"],               // CR IR AR
            ["X", "N", "A", "L", "P"], ["X", "L", "H"], ["X", "N", "P"], ["X", "N", "L", "H"],
            ["X", "N", "P", "A"],                                                          // MAV MAC MAT MPR MUI
            ["X", "H", "L", "N"], ["X", "H", "L", "N"], ["X", "H", "L", "N"],               // MVC MVI MVA
            ["X", "H", "L", "N"], ["X", "S", "H", "L", "N"], ["X", "S", "H", "L", "N"],     // MSC MSI MSA
            ["X", "N", "P"], ["X", "N", "Y"], ["X", "A", "U", "I"], ["X", "D", "C"],        // S AU R V
            ["X", "L", "M", "H"], ["X", "Clear", "Green", "Amber", "Red"],                   // RE U
        ]
    }

    /// The metric values a vector gives, indexed by `Metric.rawValue`.
    struct Given: Sendable {
        var values = [String?](repeating: nil, count: Metric.allCases.count)

        subscript(metric: Metric) -> String? {
            get { values[metric.rawValue] }
            set { values[metric.rawValue] = newValue }
        }
    }

    // MARK: Parsing

    /// The thorough parser: `score` calls it only for what `fastParse` refuses, to name the metric
    /// to blame (a valid vector never gets here).
    static func parse(_ vector: String) throws(CVSSError) -> Given {
        let prefix = "CVSS:4.0"
        guard !vector.isEmpty else {
            throw CVSSError(metric: "CVSS", "the vector is empty; a CVSS v4.0 vector begins with \(prefix)/")
        }
        // Split on the byte "/": it never occurs inside a multi-byte UTF-8 sequence.
        let parts = Array(vector.utf8).split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard parts[0] == prefix else {
            throw CVSSError(metric: "CVSS", "the vector must begin with \(prefix)/ (found \"\(parts[0])\")")
        }

        var given = Given()
        var previous: Metric?
        for (position, part) in parts.enumerated().dropFirst() {
            let after = previous?.abbreviation ?? "CVSS"
            if part.isEmpty {
                if position == parts.count - 1 {
                    throw CVSSError(metric: after, "trailing \"/\" after the last metric")
                }
                throw CVSSError(metric: after, "empty metric (\"//\") after \(after)")
            }
            let bytes = Array(part.utf8)
            let colon = bytes.firstIndex(of: UInt8(ascii: ":"))
            let name = String(decoding: bytes[..<(colon ?? bytes.endIndex)], as: UTF8.self)
            guard bytes.allSatisfy({ (0x21...0x7E).contains($0) }) else {
                throw CVSSError(metric: name, "\"\(part)\" contains whitespace, a control or a non-ASCII character")
            }
            guard let colon else { throw CVSSError(metric: part, "has no value (expected \(part):<value>)") }
            guard !name.isEmpty else { throw CVSSError(metric: part, "has no metric name before \":\"") }
            let value = String(decoding: bytes[(colon + 1)...], as: UTF8.self)
            guard let metric = Metric(abbreviation: name) else {
                if name == "CVSS" { throw CVSSError(metric: name, "the \(prefix) prefix may appear only at the start") }
                if let match = Metric.allCases.first(where: { $0.abbreviation.lowercased() == name.lowercased() }) {
                    throw CVSSError(metric: name, "unknown metric (metric names are case-sensitive: \(match.abbreviation)?)")
                }
                throw CVSSError(metric: name, "unknown CVSS v4.0 metric")
            }
            guard given[metric] == nil else {
                throw CVSSError(metric: name, "appears more than once")
            }
            if let previous, previous.rawValue > metric.rawValue {
                throw CVSSError(metric: name, "out of order: \(name) must come before \(previous.abbreviation) "
                    + "(CVSS v4.0 requires the metric order of the specification's Table 23: "
                    + Metric.allCases.map(\.abbreviation).joined(separator: ", ") + ")")
            }
            guard metric.values.contains(value) else {
                throw CVSSError(metric: name, invalidValueMessage(value, for: metric))
            }
            given[metric] = value
            previous = metric
        }

        let missing = Metric.allCases.filter { $0.group == .base && given[$0] == nil }
        if let first = missing.first {
            let others = missing.dropFirst().map(\.abbreviation)
            throw CVSSError(metric: first.abbreviation, "mandatory base metric is missing"
                + (others.isEmpty ? "" : " (also missing: \(others.joined(separator: ", ")))"))
        }
        return given
    }

    private static func invalidValueMessage(_ value: String, for metric: Metric) -> String {
        let allowed = "allowed: " + metric.values.joined(separator: ", ")
        if value.isEmpty { return "has no value; \(allowed)" }
        if let match = metric.values.first(where: { $0.lowercased() == value.lowercased() }), match != value {
            return "unknown value \"\(value)\" (values are case-sensitive: \(match)?); \(allowed)"
        }
        if value == "X" && metric.group == .base {
            return "unknown value \"X\": base metrics are mandatory and have no Not Defined value; \(allowed)"
        }
        return "unknown value \"\(value)\"; \(allowed)"
    }
}

// MARK: - Fast parsing

extension CVSS4 {
    /// A vector's metric values as small codes: for each metric (index `Metric.rawValue`), the
    /// index of its value in `Metric.values`, or `absent`. Optional metrics list `X` first, so
    /// code 0 is Not Defined for them.
    struct Codes: Sendable {
        static let absent: UInt8 = 0xFF
        /// 32 bytes, one per metric.
        private var storage: (UInt64, UInt64, UInt64, UInt64) = (~0, ~0, ~0, ~0)

        init() {}

        /// The codes of a vector `parse` accepted.
        init(_ given: Given) {
            for metric in Metric.allCases {
                if let value = given[metric], let index = metric.values.firstIndex(of: value) {
                    self[metric.rawValue] = UInt8(index)
                }
            }
        }

        subscript(index: Int) -> UInt8 {
            @inline(__always) get { withUnsafeBytes(of: storage) { $0[index] } }
            @inline(__always) set { withUnsafeMutableBytes(of: &storage) { $0[index] = newValue } }
        }

        /// Whether E is given with a value other than `X`.
        var threat: Bool { self[Metric.e.rawValue] != Codes.absent && self[Metric.e.rawValue] != 0 }

        /// Whether any of CR … MSA is given with a value other than `X`.
        var environmental: Bool {
            for index in Metric.cr.rawValue...Metric.msa.rawValue where self[index] != Codes.absent && self[index] != 0 {
                return true
            }
            return false
        }
    }

    /// Parses a valid vector straight from its UTF-8 bytes; nil for anything else (then `parse`
    /// finds what is wrong). No allocation: names and values map to codes by switching on bytes,
    /// and the order of Table 23 (which rules out duplicates too) is checked by index.
    static func fastParse(_ vector: String) -> Codes? {
        if let codes = vector.utf8.withContiguousStorageIfAvailable({ fastParse(bytes: $0) }) { return codes }
        var copy = vector
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable({ fastParse(bytes: $0) }) ?? nil
    }

    private static func fastParse(bytes p: UnsafeBufferPointer<UInt8>) -> Codes? {
        let n = p.count
        // "CVSS:4.0/"
        guard n > 9, p[0] == 0x43, p[1] == 0x56, p[2] == 0x53, p[3] == 0x53, p[4] == 0x3A,
              p[5] == 0x34, p[6] == 0x2E, p[7] == 0x30, p[8] == 0x2F else { return nil }
        let colon: UInt8 = 0x3A, slash: UInt8 = 0x2F
        let valueTable = singleLetterValues
        var codes = Codes()
        var last = -1
        var i = 9
        while true {
            // The name: one to three bytes before ":" (i < n here).
            let metric: Int
            if i &+ 1 < n && p[i &+ 1] == colon {
                metric = singleLetterMetric(p[i])
                i &+= 2
            } else if i &+ 2 < n && p[i &+ 2] == colon {
                metric = twoLetterMetric(UInt16(p[i]) << 8 | UInt16(p[i &+ 1]))
                i &+= 3
            } else if i &+ 3 < n && p[i &+ 3] == colon && p[i] == 0x4D {  // M + a base metric
                let base = twoLetterMetric(UInt16(p[i &+ 1]) << 8 | UInt16(p[i &+ 2]))
                metric = base >= 0 && base <= Metric.sa.rawValue ? base &+ Metric.mav.rawValue : -1
                i &+= 4
            } else {
                return nil
            }
            guard metric > last, i < n else { return nil }  // unknown (-1), out of order, repeated; no value
            // The value: one letter, or (U only) a word, up to the next "/" or the end.
            let code: UInt8
            let byte = p[i]
            if i &+ 1 == n || p[i &+ 1] == slash {
                guard byte >= 0x41 && byte <= 0x5A else { return nil }
                code = valueTable[metric &* 26 &+ Int(byte &- 0x41)]
                i &+= 1
            } else if metric == Metric.u.rawValue {
                let start = i
                while i < n && p[i] != slash { i &+= 1 }
                code = urgency(p, start, i &- start)
            } else {
                return nil
            }
            guard code != Codes.absent else { return nil }
            codes[metric] = code
            last = metric
            if i == n { break }
            i &+= 1  // the "/"
            guard i < n else { return nil }  // trailing "/"
        }
        for index in 0...Metric.sa.rawValue where codes[index] == Codes.absent { return nil }
        return codes
    }

    @inline(__always)
    private static func singleLetterMetric(_ byte: UInt8) -> Int {
        switch byte {
        case 0x45: Metric.e.rawValue   // E
        case 0x53: Metric.s.rawValue   // S
        case 0x52: Metric.r.rawValue   // R
        case 0x56: Metric.v.rawValue   // V
        case 0x55: Metric.u.rawValue   // U
        default: -1
        }
    }

    @inline(__always)
    private static func twoLetterMetric(_ pair: UInt16) -> Int {
        switch pair {
        case 0x4156: Metric.av.rawValue  // AV
        case 0x4143: Metric.ac.rawValue  // AC
        case 0x4154: Metric.at.rawValue  // AT
        case 0x5052: Metric.pr.rawValue  // PR
        case 0x5549: Metric.ui.rawValue  // UI
        case 0x5643: Metric.vc.rawValue  // VC
        case 0x5649: Metric.vi.rawValue  // VI
        case 0x5641: Metric.va.rawValue  // VA
        case 0x5343: Metric.sc.rawValue  // SC
        case 0x5349: Metric.si.rawValue  // SI
        case 0x5341: Metric.sa.rawValue  // SA
        case 0x4352: Metric.cr.rawValue  // CR
        case 0x4952: Metric.ir.rawValue  // IR
        case 0x4152: Metric.ar.rawValue  // AR
        case 0x4155: Metric.au.rawValue  // AU
        case 0x5245: Metric.re.rawValue  // RE
        default: -1
        }
    }

    /// The code of a one-letter value: index metric × 26 + (letter − "A"); `absent` if not allowed.
    private static let singleLetterValues: [UInt8] = {
        var table = [UInt8](repeating: Codes.absent, count: Metric.allCases.count * 26)
        for metric in Metric.allCases {
            for (index, value) in metric.values.enumerated() where value.utf8.count == 1 {
                table[metric.rawValue * 26 + Int(value.utf8.first! - 0x41)] = UInt8(index)
            }
        }
        return table
    }()

    /// The code of a U (Provider Urgency) value of two or more letters.
    private static func urgency(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt8 {
        func equals(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == count else { return false }
            let w = word.utf8Start
            for k in 0..<count where p[start + k] != w[k] { return false }
            return true
        }
        if equals("Clear") { return 1 }
        if equals("Green") { return 2 }
        if equals("Amber") { return 3 }
        if equals("Red") { return 4 }
        return Codes.absent
    }
}

// MARK: - Scoring

extension CVSS4 {
    /// The score, computed on small integers: severity levels in steps of 0.1, MacroVector scores
    /// in tenths.
    ///
    /// The score is the MacroVector's score minus the mean, over the classes that have a next
    /// lower MacroVector, of (score gap to that MacroVector) × (severity distance from the
    /// class's highest vector ÷ the class's depth) — FIRST's cvss_score.js.
    enum Scoring {
        /// Effective-value indices beyond AV … SA (which use `Metric.rawValue`).
        static let e = 11, cr = 12, ir = 13, ar = 14

        /// The effective value of each scored metric as its severity level, counted in steps of
        /// 0.1 from the most severe value: AV N A L P → 0…3; AC, AT, PR, UI likewise; VC/VI/VA
        /// H L N → 0…2; SC H L N → 0…2; SI/SA S H L N → 0…3 (S only through MSI/MSA); E A P U →
        /// 0…2; CR/IR/AR H M L → 0…2. A defined modified metric replaces its base metric; Not
        /// Defined E means A (Attacked) and Not Defined CR/IR/AR mean H, the worst case.
        struct Levels {
            var av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar: Int

            @inline(__always)
            init(_ codes: Codes) {
                @inline(__always) func base(_ metric: Metric) -> Int {
                    // The base values list the levels in order; the modified ones have X first.
                    let modified = codes[metric.rawValue &+ Metric.mav.rawValue]
                    return modified != Codes.absent && modified != 0 ? Int(modified) &- 1 : Int(codes[metric.rawValue])
                }
                @inline(__always) func subsequent(_ metric: Metric) -> Int {
                    // MSI/MSA X S H L N → S 0 … N 3; the base SI/SA H L N → 1…3.
                    let modified = codes[metric.rawValue &+ Metric.mav.rawValue]
                    return modified != Codes.absent && modified != 0 ? Int(modified) &- 1 : Int(codes[metric.rawValue]) &+ 1
                }
                @inline(__always) func optional(_ metric: Metric) -> Int {
                    // X first, and X (or absent) is the worst case, level 0.
                    let code = codes[metric.rawValue]
                    return code == Codes.absent || code == 0 ? 0 : Int(code) &- 1
                }
                av = base(.av); ac = base(.ac); at = base(.at); pr = base(.pr); ui = base(.ui)
                vc = base(.vc); vi = base(.vi); va = base(.va); sc = base(.sc)
                si = subsequent(.si); sa = subsequent(.sa)
                e = optional(.e); cr = optional(.cr); ir = optional(.ir); ar = optional(.ar)
            }

            /// The levels as an array indexed by effective-value index, for the explanation.
            var array: [Int] { [av, ac, at, pr, ui, vc, vi, va, sc, si, sa, e, cr, ir, ar] }

            /// The levels a class's distance is made of, one per 4-bit lane, in the order the
            /// reference calculator adds them: EQ1 AV PR UI, EQ2 AC AT, EQ3+EQ6 VC VI VA CR IR AR,
            /// EQ4 SC SI SA. EQ5 (Exploit Maturity) has none: its distance is always 0.
            @inline(__always)
            func packed(_ c: Int) -> Int {
                switch c {
                case 0: pack(av, pr, ui)
                case 1: pack(ac, at)
                case 2: pack(vc, vi, va, cr, ir, ar)
                case 3: pack(sc, si, sa)
                default: 0
                }
            }
        }

        /// Levels (each 0…3) in 4-bit lanes, the first lowest.
        @inline(__always)
        static func pack(_ a: Int, _ b: Int = 0, _ c: Int = 0, _ d: Int = 0, _ e: Int = 0, _ f: Int = 0) -> Int {
            a | b << 4 | c << 8 | d << 12 | e << 16 | f << 20
        }

        /// The sum of the six lanes of `pack`.
        @inline(__always)
        static func laneSum(_ x: Int) -> Int {
            (x & 15) &+ (x >> 4 & 15) &+ (x >> 8 & 15) &+ (x >> 12 & 15) &+ (x >> 16 & 15) &+ (x >> 20 & 15)
        }

        /// Whether every lane of `own` is at least the lane of `row` (lanes hold 0…3: adding 8 to
        /// each lane of `own` and subtracting `row` borrows from bit 3 of a lane exactly when it
        /// is smaller).
        @inline(__always)
        static func dominates(_ own: Int, _ row: Int) -> Bool {
            let high = 0x888888
            return ((own | high) &- row) & high == high
        }

        /// The effective-value indices of `Levels.packed`, for the explanation.
        static let classMetrics: [[Int]] = [[0, 3, 4], [1, 2], [5, 6, 7, cr, ir, ar], [8, 9, 10], []]
        static let classNames = ["EQ1", "EQ2", "EQ3+EQ6", "EQ4", "EQ5"]

        /// The highest-severity vectors of a class level (FIRST's max_composed.js) as the slots
        /// `first ..< first + count` of `highestRow`. Class 0…4: EQ1, EQ2, EQ3+EQ6, EQ4, EQ5; the
        /// level of EQ3+EQ6 is EQ3 × 2 + EQ6.
        @inline(__always)
        static func highestSlots(_ c: Int, _ key: Int) -> (first: Int, count: Int) {
            switch (c, key) {
            case (0, 0): (0, 1)
            case (0, 1): (1, 3)
            case (0, 2): (4, 2)
            case (1, 0): (6, 1)
            case (1, 1): (7, 2)
            case (2, 0): (9, 1)   // 00
            case (2, 1): (10, 2)  // 01
            case (2, 2): (12, 2)  // 10
            case (2, 3): (14, 5)  // 11
            case (2, 5): (19, 1)  // 21
            case (3, 0): (20, 1)
            case (3, 1): (21, 1)
            case (3, 2): (22, 1)
            case (4, _): (23, 1)  // EQ5: no metrics
            default: (0, 0)       // EQ3 2 with EQ6 0: no such MacroVector
            }
        }

        /// One highest vector, as levels in the lanes of `Levels.packed`.
        @inline(__always)
        static func highestRow(_ slot: Int) -> Int {
            switch slot {
            case 0: pack(0)   // EQ1 0: N N N
            case 1: pack(1)   // EQ1 1: A N N
            case 2: pack(0, 1)   //        N L N
            case 3: pack(0, 0, 1)   //        N N P
            case 4: pack(3)   // EQ1 2: P N N
            case 5: pack(1, 1, 1)   //        A L P
            case 6: pack(0)   // EQ2 0: L N
            case 7: pack(1)   // EQ2 1: H N
            case 8: pack(0, 1)   //        L P
            case 9: pack(0)   // EQ3+EQ6 00: H H H H H H
            case 10: pack(0, 0, 1, 1, 1)  // 01: H H L M M H
            case 11: pack(0, 0, 0, 1, 1, 1)  //     H H H M M M
            case 12: pack(1)  // 10: L H H H H H
            case 13: pack(0, 1)  //     H L H H H H
            case 14: pack(1, 0, 1, 0, 1)  // 11: L H L H M H
            case 15: pack(1, 0, 0, 0, 1, 1)  //     L H H H M M
            case 16: pack(0, 1, 0, 1, 0, 1)  //     H L H M H M
            case 17: pack(0, 1, 1, 1)  //     H L L M H H
            case 18: pack(1, 1, 0, 0, 0, 1)  //     L L H H H M
            case 19: pack(1, 1, 1)  // 21: L L L H H H
            case 20: pack(0)  // EQ4 0: H S S
            case 21: pack(0, 1, 1)  // EQ4 1: H H H
            case 22: pack(1, 2, 2)  // EQ4 2: L L L
            default: 0            // EQ5
            }
        }

        /// The depth of a class level in severity steps (FIRST's max_severity.js).
        @inline(__always)
        static func depth(_ c: Int, _ key: Int) -> Int {
            switch (c, key) {
            case (0, 0): 1
            case (0, 1): 4
            case (0, 2): 5
            case (1, 0): 1
            case (1, 1): 2
            case (2, 0): 7   // 00
            case (2, 1): 6   // 01
            case (2, 2): 8   // 10
            case (2, 3): 8   // 11
            case (2, 5): 10  // 21
            case (3, 0): 6
            case (3, 1): 5
            case (3, 2): 4
            default: 1       // EQ5, and EQ3 2 with EQ6 0, which does not exist
            }
        }

        /// FIRST's 270 MacroVector scores in tenths, indexed by the EQ1…EQ6 levels (mixed radix
        /// 3 2 3 3 3 2, see `macroVectorScore`); −1 where no MacroVector exists (EQ3 2 with EQ6 0).
        /// Generated from Tests/Fixtures/cvss4-macrovector-scores.txt (FIRSTdotorg/cvss-resources,
        /// vectorFiles/macro-scores; the same values as the calculator's cvss_lookup.js).
        static let macroVectorTenths: [Int8] = [
        100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68,
        98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48,
        -1, 92, -1, 82, -1, 72, -1, 79, -1, 69, -1, 50, -1, 69, -1, 55, -1, 27,
        99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53,
        95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30,
        -1, 86, -1, 75, -1, 52, -1, 71, -1, 52, -1, 29, -1, 63, -1, 29, -1, 17,
        98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49,
        94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25,
        -1, 83, -1, 70, -1, 54, -1, 65, -1, 58, -1, 26, -1, 53, -1, 21, -1, 13,
        95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30,
        89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16,
        -1, 71, -1, 59, -1, 30, -1, 58, -1, 26, -1, 15, -1, 23, -1, 13, -1, 6,
        93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22,
        85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8,
        -1, 64, -1, 51, -1, 20, -1, 47, -1, 21, -1, 11, -1, 24, -1, 9, -1, 4,
        88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11,
        75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2,
        -1, 53, -1, 24, -1, 14, -1, 24, -1, 12, -1, 5, -1, 10, -1, 3, -1, 1,
        ]

        /// The score in tenths of a MacroVector given by its EQ1…EQ6 levels; −1 if none exists.
        @inline(__always)
        static func macroVectorScore(_ eq1: Int, _ eq2: Int, _ eq3: Int, _ eq4: Int, _ eq5: Int, _ eq6: Int) -> Int {
            guard eq1 < 3 && eq2 < 2 && eq3 < 3 && eq4 < 3 && eq5 < 3 && eq6 < 2 else { return -1 }
            let index = ((((eq1 &* 2 &+ eq2) &* 3 &+ eq3) &* 3 &+ eq4) &* 3 &+ eq5) &* 2 &+ eq6
            return Int(macroVectorTenths[index])
        }

        /// The EQ1…EQ6 levels of a vector (specification section 8.2), or of a MacroVector.
        struct EQ: Sendable {
            var eq1, eq2, eq3, eq4, eq5, eq6: Int

            @inline(__always)
            init(_ eq1: Int, _ eq2: Int, _ eq3: Int, _ eq4: Int, _ eq5: Int, _ eq6: Int) {
                (self.eq1, self.eq2, self.eq3, self.eq4, self.eq5, self.eq6) = (eq1, eq2, eq3, eq4, eq5, eq6)
            }

            @inline(__always)
            init(_ l: Levels) {
                eq1 = l.av == 0 && l.pr == 0 && l.ui == 0 ? 0 : (l.av == 0 || l.pr == 0 || l.ui == 0) && l.av != 3 ? 1 : 2
                eq2 = l.ac == 0 && l.at == 0 ? 0 : 1
                eq3 = l.vc == 0 && l.vi == 0 ? 0 : l.vc == 0 || l.vi == 0 || l.va == 0 ? 1 : 2
                eq4 = l.si == 0 || l.sa == 0 ? 0 : l.sc == 0 || l.si == 1 || l.sa == 1 ? 1 : 2
                eq5 = l.e
                eq6 = (l.cr == 0 && l.vc == 0) || (l.ir == 0 && l.vi == 0) || (l.ar == 0 && l.va == 0) ? 0 : 1
            }

            /// FIRST's score of this MacroVector in tenths; −1 if none exists.
            @inline(__always)
            var score: Int { macroVectorScore(eq1, eq2, eq3, eq4, eq5, eq6) }

            /// The level of class `c` (0…4: EQ1, EQ2, EQ3+EQ6 as EQ3 × 2 + EQ6, EQ4, EQ5).
            @inline(__always)
            func key(_ c: Int) -> Int {
                switch c {
                case 0: eq1
                case 1: eq2
                case 2: eq3 &* 2 &+ eq6
                case 3: eq4
                default: eq5
                }
            }

            /// The next lower MacroVector of class `c` and its score (−1 if it does not exist); of
            /// two, the higher-scoring one (the first on a tie).
            @inline(__always)
            func nextLower(_ c: Int) -> (EQ, Int) {
                var lowered = self
                switch c {
                case 0: lowered.eq1 &+= 1
                case 1: lowered.eq2 &+= 1
                case 3: lowered.eq4 &+= 1
                case 4: lowered.eq5 &+= 1
                default:
                    if eq3 == 0 && eq6 == 0 {                // 00 → 01 or 10
                        lowered.eq6 = 1
                        var other = self
                        other.eq3 = 1
                        let (first, second) = (lowered.score, other.score)
                        return second > first ? (other, second) : (lowered, first)
                    }
                    if eq3 == 1 && eq6 == 0 { lowered.eq6 = 1 }            // 10 → 11
                    else if eq3 < 2 && eq6 == 1 { lowered.eq3 &+= 1 }      // 01 → 11, 11 → 21
                    else { lowered.eq3 &+= 1; lowered.eq6 &+= 1 }          // 21 → 32, which does not exist
                }
                return (lowered, lowered.score)
            }

            var name: String { "\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)" }
        }

        /// Per class, the slot (`highestRow`) of the first highest vector that is at least as
        /// severe as this vector in every metric, or −1 where the class level has none (distance
        /// 0). One always exists for a valid vector; otherwise the calculator would use the last
        /// of each list, as this does.
        @inline(__always)
        static func highest(_ l: Levels, _ q: EQ) -> (Int, Int, Int, Int, Int) {
            var chosen = (0, 0, 0, 0, 0)
            var fallback = false
            for c in 0..<5 {
                let own = l.packed(c)
                let (first, count) = highestSlots(c, q.key(c))
                var slot = first
                while slot < first &+ count && !dominates(own, highestRow(slot)) { slot &+= 1 }
                if slot == first &+ count && count > 0 { fallback = true }
                let pick = count == 0 ? -1 : slot
                switch c {
                case 0: chosen.0 = pick
                case 1: chosen.1 = pick
                case 2: chosen.2 = pick
                case 3: chosen.3 = pick
                default: chosen.4 = pick
                }
            }
            if fallback {
                @inline(__always) func last(_ c: Int) -> Int {
                    let (first, count) = highestSlots(c, q.key(c))
                    return count == 0 ? -1 : first &+ count &- 1
                }
                chosen = (last(0), last(1), last(2), last(3), last(4))
            }
            return chosen
        }

        @inline(__always)
        static func pick(_ t: (Int, Int, Int, Int, Int), _ c: Int) -> Int {
            switch c {
            case 0: t.0
            case 1: t.1
            case 2: t.2
            case 3: t.3
            default: t.4
            }
        }

        /// Whether VC, VI, VA, SC, SI and SA are all None: then the score is 0.
        @inline(__always)
        static func noImpact(_ l: Levels) -> Bool {
            l.vc == 2 && l.vi == 2 && l.va == 2 && l.sc == 2 && l.si == 3 && l.sa == 3
        }

        /// The score of a valid vector in tenths.
        static func tenths(_ codes: Codes) -> Int {
            let l = Levels(codes)
            if noImpact(l) { return 0 }
            let q = EQ(l)
            let value = q.score
            let chosen = highest(l, q)

            // Exact arithmetic: each proportional distance is gap × distance ÷ depth (in tenths),
            // every depth divides 2520, so their sum is `numerator` ÷ 2520 and the score in tenths
            // is (value × 2520 × counted − numerator) ÷ (2520 × counted).
            var counted = 0
            var numerator = 0
            for c in 0..<5 {
                let (_, next) = q.nextLower(c)
                guard next >= 0 && value &- next >= 0 else { continue }
                counted &+= 1
                let slot = pick(chosen, c)
                if c == 4 || slot < 0 { continue }  // EQ5's distance is always 0
                let distance = laneSum(l.packed(c)) &- laneSum(highestRow(slot))  // Σ (own − highest)
                numerator &+= (value &- next) &* distance &* (2520 / depth(c, q.key(c)))
            }

            // Half up to one decimal after adding 1e-6, as FIRST's calculator rounds. On exact
            // values the 1e-6 only matters at an exact tie x.x5, which it sends up as half up does
            // anyway: the score is a multiple of 1/(2520 × counted) tenths, counted ≤ 5, so no
            // score lies less than 1e-5 tenths below a tie without being on it. (The calculator's
            // floating-point error is far smaller than that margin.) Clamped to 0…10 first.
            if counted == 0 { return min(100, max(0, value)) }
            let q2520 = 2520 &* counted
            let m = value &* q2520 &- numerator  // the score in tenths × q2520
            return m <= 0 ? 0 : m >= 100 &* q2520 ? 100 : (2 &* m &+ q2520) / (2 &* q2520)
        }

        /// The score of a valid vector in tenths, its steps appended to `details`: the values of
        /// FIRST's calculator, computed in floating point as it does.
        static func explainedTenths(_ codes: Codes, details: inout [CVSSDetail]) -> Int {
            let tenths = tenths(codes)
            let l = Levels(codes)
            let q = EQ(l)
            let value = q.score
            details.append(CVSSDetail("MacroVector", q.name))
            for (index, level) in [q.eq1, q.eq2, q.eq3, q.eq4, q.eq5, q.eq6].enumerated() {
                details.append(CVSSDetail("EQ\(index + 1)", String(level)))
            }
            details.append(CVSSDetail("MacroVector score", CVSS4.format(value < 0 ? .nan : Double(value) / 10)))
            if noImpact(l) {
                details.append(CVSSDetail("No impact", "VC, VI, VA, SC, SI and SA are all None: the score is 0"))
                finish(0, tenths, &details)
                return tenths
            }

            let chosen = highest(l, q)
            let letters: [[String]] = [
                ["N", "A", "L", "P"], ["L", "H"], ["N", "P"], ["N", "L", "H"], ["N", "P", "A"],
                ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"], ["S", "H", "L", "N"],
                ["S", "H", "L", "N"], ["A", "P", "U"], ["H", "M", "L"], ["H", "M", "L"], ["H", "M", "L"],
            ]
            var top = [String](repeating: "?", count: 15)
            for c in 0..<5 where pick(chosen, c) >= 0 {
                let packed = highestRow(pick(chosen, c))
                for (k, metric) in classMetrics[c].enumerated() { top[metric] = letters[metric][packed >> (4 * k) & 15] }
            }
            let order: [Metric] = [.av, .ac, .at, .pr, .ui, .vc, .vi, .va, .sc, .si, .sa, .cr, .ir, .ar]
            let indices = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, cr, ir, ar]
            details.append(CVSSDetail("Highest severity vector",
                                      zip(order, indices).map { "\($0.abbreviation):\(top[$1])" }.joined(separator: "/")))

            // Severity levels as the calculator writes them, in steps of 0.1 from the most severe.
            let levels: [[Double]] = [[0.0, 0.1, 0.2, 0.3], [0.0, 0.1], [0.0, 0.1], [0.0, 0.1, 0.2],
                                      [0.0, 0.1, 0.2], [0.0, 0.1, 0.2], [0.0, 0.1, 0.2], [0.0, 0.1, 0.2],
                                      [0.1, 0.2, 0.3], [0.0, 0.1, 0.2, 0.3], [0.0, 0.1, 0.2, 0.3], [],
                                      [0.0, 0.1, 0.2], [0.0, 0.1, 0.2], [0.0, 0.1, 0.2]]
            let mine = l.array
            let floatValue = Double(value) / 10
            var counted = 0
            var sum = 0.0
            for c in 0..<5 {
                let className = classNames[c]
                let (lower, next) = q.nextLower(c)
                let floatNext = Double(next) / 10
                var distance = 0.0
                if pick(chosen, c) >= 0 {
                    let packed = highestRow(pick(chosen, c))
                    for (k, metric) in classMetrics[c].enumerated() {
                        distance += levels[metric][mine[metric]] - levels[metric][packed >> (4 * k) & 15]
                    }
                }
                let depth = Double(depth(c, q.key(c))) * 0.1
                var proportional = 0.0
                if next >= 0 && value - next >= 0 {
                    counted += 1
                    let gap = floatValue - floatNext
                    proportional = c == 4 ? gap * 0 : gap * (distance / depth)
                    details.append(CVSSDetail("\(className) next lower MacroVector", "\(lower.name) (\(CVSS4.format(floatNext)))"))
                } else {
                    details.append(CVSSDetail("\(className) next lower MacroVector", "none"))
                }
                details.append(CVSSDetail("\(className) severity distance", CVSS4.format(distance)))
                details.append(CVSSDetail("\(className) depth", CVSS4.format(depth)))
                details.append(CVSSDetail("\(className) proportional distance", CVSS4.format(proportional)))
                sum += proportional
            }
            let mean = counted == 0 ? 0 : sum / Double(counted)
            details.append(CVSSDetail("Mean distance", CVSS4.format(mean)))
            finish(min(10, max(0, floatValue - mean)), tenths, &details)
            return tenths
        }

        private static func finish(_ unrounded: Double, _ tenths: Int, _ details: inout [CVSSDetail]) {
            details.append(CVSSDetail("Score before rounding", CVSS4.format(unrounded)))
            details.append(CVSSDetail("Score", (Double(tenths) / 10).description))
        }
    }

    /// A number for the explanation: at most four decimals, no trailing zeros.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return String(describing: x) }
        let scaled = Int((abs(x) * 10_000).rounded())
        var fraction = String(scaled % 10_000)
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return (x < 0 && scaled != 0 ? "-" : "") + String(scaled / 10_000) + (fraction.isEmpty ? "" : "." + fraction)
    }
}
