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
//   /work/shared/data/cvss4-macrovector-scores.txt (FIRSTdotorg/cvss-resources,
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
    public static func score(_ vector: String) throws(CVSSError) -> CVSSResult {
        let given = try parse(vector)
        let threat = given.isDefined(where: { $0.group == .threat })
        let environmental = given.isDefined(where: { $0.group == .environmental })
        let scoring = Scoring(given)

        var result = CVSSResult(version: .v4_0, vectorString: vector, details: scoring.details)
        result.score = Double(scoring.tenths) / 10
        result.severity = severity(tenths: scoring.tenths)
        result.nomenclature = "CVSS-B" + (threat ? "T" : "") + (environmental ? "E" : "")
        return result
    }

    /// The qualitative severity rating scale of the specification (section 6).
    static func severity(tenths: Int) -> String {
        switch tenths {
        case ...0: "None"
        case ...39: "Low"
        case ...69: "Medium"
        case ...89: "High"
        default: "Critical"
        }
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

        /// The environmental metric that overrides this base metric when it is defined.
        var modified: Metric? {
            group == .base ? Metric(rawValue: rawValue + Metric.mav.rawValue) : nil
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

        /// Whether any metric matching `predicate` is given with a value other than `X`.
        func isDefined(where predicate: (Metric) -> Bool) -> Bool {
            Metric.allCases.contains { predicate($0) && self[$0] != nil && self[$0] != "X" }
        }

        /// The value the score uses: a defined modified metric replaces its base metric;
        /// Not Defined means E:A (Attacked) and CR/IR/AR:H, the worst case.
        func effective(_ metric: Metric) -> String {
            if let modified = metric.modified, let value = self[modified], value != "X" { return value }
            let value = self[metric] ?? "X"
            guard value == "X" else { return value }
            switch metric {
            case .e: return "A"
            case .cr, .ir, .ar: return "H"
            default: return value
            }
        }
    }

    // MARK: Parsing

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

// MARK: - Scoring

extension CVSS4 {
    /// The equivalence classes interpolated independently. EQ3 and EQ6 form one class: its
    /// highest vectors and depth depend on both levels.
    enum EquivalenceClass: CaseIterable, Sendable {
        case eq1, eq2, eq3eq6, eq4, eq5

        var name: String {
            switch self {
            case .eq1: "EQ1"
            case .eq2: "EQ2"
            case .eq3eq6: "EQ3+EQ6"
            case .eq4: "EQ4"
            case .eq5: "EQ5"
            }
        }

        /// The metrics whose severity distances make up the class's distance, in the order the
        /// reference calculator adds them. EQ5 (Exploit Maturity) always has distance 0.
        var metrics: [Metric] {
            switch self {
            case .eq1: [.av, .pr, .ui]
            case .eq2: [.ac, .at]
            case .eq3eq6: [.vc, .vi, .va, .cr, .ir, .ar]
            case .eq4: [.sc, .si, .sa]
            case .eq5: []
            }
        }
    }

    /// Severity levels for the distance, in steps of 0.1 from the most severe value (FIRST's
    /// cvss_score.js). SI and SA include S (Safety), reachable through MSI and MSA; SC starts at 0.1.
    static let levels: [Metric: [String: Double]] = {
        let impact: [String: Double] = ["H": 0.0, "L": 0.1, "N": 0.2]
        let subsequent: [String: Double] = ["S": 0.0, "H": 0.1, "L": 0.2, "N": 0.3]
        let requirement: [String: Double] = ["H": 0.0, "M": 0.1, "L": 0.2]
        return [
            .av: ["N": 0.0, "A": 0.1, "L": 0.2, "P": 0.3],
            .pr: ["N": 0.0, "L": 0.1, "H": 0.2],
            .ui: ["N": 0.0, "P": 0.1, "A": 0.2],
            .ac: ["L": 0.0, "H": 0.1],
            .at: ["N": 0.0, "P": 0.1],
            .vc: impact, .vi: impact, .va: impact,
            .sc: ["H": 0.1, "L": 0.2, "N": 0.3],
            .si: subsequent, .sa: subsequent,
            .cr: requirement, .ir: requirement, .ar: requirement,
        ]
    }()

    /// The highest-severity vectors of each class level (FIRST's max_composed.js), given as the
    /// values of `EquivalenceClass.metrics` in that order. Keys: the level; for EQ3+EQ6 the two
    /// digits EQ3 EQ6.
    static let highest: [EquivalenceClass: [String: [[String]]]] = [
        .eq1: ["0": [["N", "N", "N"]],
               "1": [["A", "N", "N"], ["N", "L", "N"], ["N", "N", "P"]],
               "2": [["P", "N", "N"], ["A", "L", "P"]]],
        .eq2: ["0": [["L", "N"]],
               "1": [["H", "N"], ["L", "P"]]],
        .eq3eq6: ["00": [["H", "H", "H", "H", "H", "H"]],
                  "01": [["H", "H", "L", "M", "M", "H"], ["H", "H", "H", "M", "M", "M"]],
                  "10": [["L", "H", "H", "H", "H", "H"], ["H", "L", "H", "H", "H", "H"]],
                  "11": [["L", "H", "L", "H", "M", "H"], ["L", "H", "H", "H", "M", "M"],
                         ["H", "L", "H", "M", "H", "M"], ["H", "L", "L", "M", "H", "H"],
                         ["L", "L", "H", "H", "H", "M"]],
                  "21": [["L", "L", "L", "H", "H", "H"]]],
        .eq4: ["0": [["H", "S", "S"]],
               "1": [["H", "H", "H"]],
               "2": [["L", "L", "L"]]],
        .eq5: ["0": [[]], "1": [[]], "2": [[]]],
    ]

    /// The depth of each class level in severity steps (FIRST's max_severity.js).
    static let depths: [EquivalenceClass: [String: Int]] = [
        .eq1: ["0": 1, "1": 4, "2": 5],
        .eq2: ["0": 1, "1": 2],
        .eq3eq6: ["00": 7, "01": 6, "10": 8, "11": 8, "21": 10],
        .eq4: ["0": 6, "1": 5, "2": 4],
        .eq5: ["0": 1, "1": 1, "2": 1],
    ]

    /// One score, computed step by step and explained in `details`.
    ///
    /// The score is the MacroVector's score minus the mean, over the classes that have a next
    /// lower MacroVector, of (score gap to that MacroVector) × (severity distance from the
    /// class's highest vector ÷ the class's depth).
    struct Scoring {
        private(set) var tenths = 0
        private(set) var details: [CVSSDetail] = []

        init(_ given: Given) {
            let scored: [Metric] = [.av, .ac, .at, .pr, .ui, .vc, .vi, .va, .sc, .si, .sa, .e, .cr, .ir, .ar]
            let effective = Dictionary(uniqueKeysWithValues: scored.map { ($0, given.effective($0)) })
            func m(_ metric: Metric) -> String { effective[metric] ?? "X" }
            func any(_ metrics: [Metric], _ value: String) -> Bool { metrics.contains { m($0) == value } }

            // The equivalence sets (specification section 8.2).
            let allNone = m(.av) == "N" && m(.pr) == "N" && m(.ui) == "N"
            let eq1 = allNone ? 0 : any([.av, .pr, .ui], "N") && m(.av) != "P" ? 1 : 2
            let eq2 = m(.ac) == "L" && m(.at) == "N" ? 0 : 1
            let eq3 = m(.vc) == "H" && m(.vi) == "H" ? 0 : any([.vc, .vi, .va], "H") ? 1 : 2
            let eq4 = any([.si, .sa], "S") ? 0 : any([.sc, .si, .sa], "H") ? 1 : 2
            let eq5 = ["A": 0, "P": 1, "U": 2][m(.e)] ?? 0
            let eq6 = (m(.cr) == "H" && m(.vc) == "H") || (m(.ir) == "H" && m(.vi) == "H")
                || (m(.ar) == "H" && m(.va) == "H") ? 0 : 1
            let eqs = [eq1, eq2, eq3, eq4, eq5, eq6]
            let macroVector = eqs.map(String.init).joined()
            let value = CVSS4.macroVectorScores[macroVector] ?? .nan

            details.append(CVSSDetail("MacroVector", macroVector))
            for (index, level) in eqs.enumerated() { details.append(CVSSDetail("EQ\(index + 1)", String(level))) }
            details.append(CVSSDetail("MacroVector score", CVSS4.format(value)))

            if [Metric.vc, .vi, .va, .sc, .si, .sa].allSatisfy({ m($0) == "N" }) {
                details.append(CVSSDetail("No impact", "VC, VI, VA, SC, SI and SA are all None: the score is 0"))
                finish(0)
                return
            }

            func key(_ c: EquivalenceClass) -> String {
                switch c {
                case .eq1: String(eq1)
                case .eq2: String(eq2)
                case .eq3eq6: "\(eq3)\(eq6)"
                case .eq4: String(eq4)
                case .eq5: String(eq5)
                }
            }
            /// The MacroVector with the given EQ levels (index 0 = EQ1) one step less severe.
            func lowered(_ positions: Int...) -> String {
                eqs.enumerated().map { String($0.element + (positions.contains($0.offset) ? 1 : 0)) }.joined()
            }
            /// The next lower MacroVectors of a class; of several, the higher-scoring one counts.
            func nextLower(_ c: EquivalenceClass) -> [String] {
                switch c {
                case .eq1: [lowered(0)]
                case .eq2: [lowered(1)]
                case .eq4: [lowered(3)]
                case .eq5: [lowered(4)]
                case .eq3eq6:
                    switch (eq3, eq6) {
                    case (0, 0): [lowered(5), lowered(2)]  // 00 → 01 or 10
                    case (1, 0): [lowered(5)]              // 10 → 11
                    case (0, 1), (1, 1): [lowered(2)]      // 01 → 11, 11 → 21
                    default: [lowered(2, 5)]               // 21 → 32, which does not exist
                    }
                }
            }
            func distances(_ c: EquivalenceClass, from highest: [String]) -> [Double] {
                zip(c.metrics, highest).map { metric, top in
                    (CVSS4.levels[metric]?[m(metric)] ?? .nan) - (CVSS4.levels[metric]?[top] ?? .nan)
                }
            }

            // In each class, the first highest vector that is at least as severe as this vector in
            // every metric. (One always exists for a valid vector; otherwise the calculator would
            // use the last of each list.)
            let classes = EquivalenceClass.allCases
            var chosen: [[String]] = []
            for c in classes {
                let candidates = CVSS4.highest[c]?[key(c)] ?? [[]]
                guard let first = candidates.first(where: { distances(c, from: $0).allSatisfy { $0 >= 0 } }) else {
                    chosen = classes.map { CVSS4.highest[$0]?[key($0)]?.last ?? [] }
                    break
                }
                chosen.append(first)
            }
            var top: [Metric: String] = [:]
            for (c, values) in zip(classes, chosen) {
                for (metric, v) in zip(c.metrics, values) { top[metric] = v }
            }
            let order: [Metric] = [.av, .ac, .at, .pr, .ui, .vc, .vi, .va, .sc, .si, .sa, .cr, .ir, .ar]
            details.append(CVSSDetail("Highest severity vector",
                                      order.map { "\($0.abbreviation):\(top[$0] ?? "?")" }.joined(separator: "/")))

            var counted = 0
            var sum = 0.0
            for (c, values) in zip(classes, chosen) {
                let lower = nextLower(c).compactMap { mv in CVSS4.macroVectorScores[mv].map { (mv, $0) } }
                let next = lower.reduce(nil as (String, Double)?) { best, candidate in
                    best.map { $0.1 >= candidate.1 ? $0 : candidate } ?? candidate
                }
                var distance = 0.0
                for d in distances(c, from: values) { distance += d }
                let depth = Double(CVSS4.depths[c]?[key(c)] ?? 1) * 0.1
                var proportional = 0.0
                if let next, value - next.1 >= 0 {
                    counted += 1
                    let gap = value - next.1
                    proportional = c == .eq5 ? gap * 0 : gap * (distance / depth)
                    details.append(CVSSDetail("\(c.name) next lower MacroVector", "\(next.0) (\(CVSS4.format(next.1)))"))
                } else {
                    details.append(CVSSDetail("\(c.name) next lower MacroVector", "none"))
                }
                details.append(CVSSDetail("\(c.name) severity distance", CVSS4.format(distance)))
                details.append(CVSSDetail("\(c.name) depth", CVSS4.format(depth)))
                details.append(CVSSDetail("\(c.name) proportional distance", CVSS4.format(proportional)))
                sum += proportional
            }
            let mean = counted == 0 ? 0 : sum / Double(counted)
            details.append(CVSSDetail("Mean distance", CVSS4.format(mean)))
            finish(min(10, max(0, value - mean)))
        }

        private mutating func finish(_ unrounded: Double) {
            tenths = CVSS4.roundedTenths(unrounded)
            details.append(CVSSDetail("Score before rounding", CVSS4.format(unrounded)))
            details.append(CVSSDetail("Score", (Double(tenths) / 10).description))
        }
    }

    /// Rounds half up to one decimal after adding 1e-6, as FIRST's calculator does: the
    /// interpolation can land just below an x.x5 tie (8.6 − 7.15 = 1.4499999999999993), and the
    /// epsilon lifts it over. Returns tenths. The half-up decision is exact for the binary value of
    /// `x + 1e-6`: its product by 10 is split into the rounded product and the exact error (fused
    /// multiply-add), so no second rounding can move a value across the tie.
    static func roundedTenths(_ x: Double) -> Int {
        let y = x + 1e-6
        let product = y * 10
        let error = (-product).addingProduct(y, 10)  // y × 10 − product, exactly
        let whole = product.rounded(.down)
        let fraction = product - whole               // exact
        let up = fraction > 0.5 || (fraction == 0.5 && error >= 0)
        return Int(whole) + (up ? 1 : 0)
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

    /// FIRST's 270 MacroVector scores: MacroVector (EQ1…EQ6 levels) → score of its highest vector.
    /// Generated from /work/shared/data/cvss4-macrovector-scores.txt (FIRSTdotorg/cvss-resources,
    /// vectorFiles/macro-scores; the same values as the calculator's cvss_lookup.js).
    static let macroVectorScores: [String: Double] = [
        "000000": 10.0, "000001": 9.9, "000010": 9.8, "000011": 9.5, "000020": 9.5, "000021": 9.2,
        "000100": 10.0, "000101": 9.6, "000110": 9.3, "000111": 8.7, "000120": 9.1, "000121": 8.1,
        "000200": 9.3, "000201": 9.0, "000210": 8.9, "000211": 8.0, "000220": 8.1, "000221": 6.8,
        "001000": 9.8, "001001": 9.5, "001010": 9.5, "001011": 9.2, "001020": 9.0, "001021": 8.4,
        "001100": 9.3, "001101": 9.2, "001110": 8.9, "001111": 8.1, "001120": 8.1, "001121": 6.5,
        "001200": 8.8, "001201": 8.0, "001210": 7.8, "001211": 7.0, "001220": 6.9, "001221": 4.8,
        "002001": 9.2, "002011": 8.2, "002021": 7.2, "002101": 7.9, "002111": 6.9, "002121": 5.0,
        "002201": 6.9, "002211": 5.5, "002221": 2.7, "010000": 9.9, "010001": 9.7, "010010": 9.5,
        "010011": 9.2, "010020": 9.2, "010021": 8.5, "010100": 9.5, "010101": 9.1, "010110": 9.0,
        "010111": 8.3, "010120": 8.4, "010121": 7.1, "010200": 9.2, "010201": 8.1, "010210": 8.2,
        "010211": 7.1, "010220": 7.2, "010221": 5.3, "011000": 9.5, "011001": 9.3, "011010": 9.2,
        "011011": 8.5, "011020": 8.5, "011021": 7.3, "011100": 9.2, "011101": 8.2, "011110": 8.0,
        "011111": 7.2, "011120": 7.0, "011121": 5.9, "011200": 8.4, "011201": 7.0, "011210": 7.1,
        "011211": 5.2, "011220": 5.0, "011221": 3.0, "012001": 8.6, "012011": 7.5, "012021": 5.2,
        "012101": 7.1, "012111": 5.2, "012121": 2.9, "012201": 6.3, "012211": 2.9, "012221": 1.7,
        "100000": 9.8, "100001": 9.5, "100010": 9.4, "100011": 8.7, "100020": 9.1, "100021": 8.1,
        "100100": 9.4, "100101": 8.9, "100110": 8.6, "100111": 7.4, "100120": 7.7, "100121": 6.4,
        "100200": 8.7, "100201": 7.5, "100210": 7.4, "100211": 6.3, "100220": 6.3, "100221": 4.9,
        "101000": 9.4, "101001": 8.9, "101010": 8.8, "101011": 7.7, "101020": 7.6, "101021": 6.7,
        "101100": 8.6, "101101": 7.6, "101110": 7.4, "101111": 5.8, "101120": 5.9, "101121": 5.0,
        "101200": 7.2, "101201": 5.7, "101210": 5.7, "101211": 5.2, "101220": 5.2, "101221": 2.5,
        "102001": 8.3, "102011": 7.0, "102021": 5.4, "102101": 6.5, "102111": 5.8, "102121": 2.6,
        "102201": 5.3, "102211": 2.1, "102221": 1.3, "110000": 9.5, "110001": 9.0, "110010": 8.8,
        "110011": 7.6, "110020": 7.6, "110021": 7.0, "110100": 9.0, "110101": 7.7, "110110": 7.5,
        "110111": 6.2, "110120": 6.1, "110121": 5.3, "110200": 7.7, "110201": 6.6, "110210": 6.8,
        "110211": 5.9, "110220": 5.2, "110221": 3.0, "111000": 8.9, "111001": 7.8, "111010": 7.6,
        "111011": 6.7, "111020": 6.2, "111021": 5.8, "111100": 7.4, "111101": 5.9, "111110": 5.7,
        "111111": 5.7, "111120": 4.7, "111121": 2.3, "111200": 6.1, "111201": 5.2, "111210": 5.7,
        "111211": 2.9, "111220": 2.4, "111221": 1.6, "112001": 7.1, "112011": 5.9, "112021": 3.0,
        "112101": 5.8, "112111": 2.6, "112121": 1.5, "112201": 2.3, "112211": 1.3, "112221": 0.6,
        "200000": 9.3, "200001": 8.7, "200010": 8.6, "200011": 7.2, "200020": 7.5, "200021": 5.8,
        "200100": 8.6, "200101": 7.4, "200110": 7.4, "200111": 6.1, "200120": 5.6, "200121": 3.4,
        "200200": 7.0, "200201": 5.4, "200210": 5.2, "200211": 4.0, "200220": 4.0, "200221": 2.2,
        "201000": 8.5, "201001": 7.5, "201010": 7.4, "201011": 5.5, "201020": 6.2, "201021": 5.1,
        "201100": 7.2, "201101": 5.7, "201110": 5.5, "201111": 4.1, "201120": 4.6, "201121": 1.9,
        "201200": 5.3, "201201": 3.6, "201210": 3.4, "201211": 1.9, "201220": 1.9, "201221": 0.8,
        "202001": 6.4, "202011": 5.1, "202021": 2.0, "202101": 4.7, "202111": 2.1, "202121": 1.1,
        "202201": 2.4, "202211": 0.9, "202221": 0.4, "210000": 8.8, "210001": 7.5, "210010": 7.3,
        "210011": 5.3, "210020": 6.0, "210021": 5.0, "210100": 7.3, "210101": 5.5, "210110": 5.9,
        "210111": 4.0, "210120": 4.1, "210121": 2.0, "210200": 5.4, "210201": 4.3, "210210": 4.5,
        "210211": 2.2, "210220": 2.0, "210221": 1.1, "211000": 7.5, "211001": 5.5, "211010": 5.8,
        "211011": 4.5, "211020": 4.0, "211021": 2.1, "211100": 6.1, "211101": 5.1, "211110": 4.8,
        "211111": 1.8, "211120": 2.0, "211121": 0.9, "211200": 4.6, "211201": 1.8, "211210": 1.7,
        "211211": 0.7, "211220": 0.8, "211221": 0.2, "212001": 5.3, "212011": 2.4, "212021": 1.4,
        "212101": 2.4, "212111": 1.2, "212121": 0.5, "212201": 1.0, "212211": 0.3, "212221": 0.1,
    ]
}
