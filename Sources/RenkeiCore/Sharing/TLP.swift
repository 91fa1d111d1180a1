/// A Traffic Light Protocol 2.0 label (FIRST, August 2022).
public enum TLPLabel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case clear = "CLEAR", green = "GREEN", amber = "AMBER", amberStrict = "AMBER+STRICT", red = "RED"

    /// The label as TLP 2.0 writes it: `TLP:AMBER+STRICT`.
    public var text: String { "TLP:" + rawValue }

    /// The default for shared items, as on FIRST's lists.
    public static let `default` = TLPLabel.amber

    /// Reads `TLP:AMBER+STRICT`, `AMBER+STRICT` or `amber+strict`; TLP 1.0's WHITE is not
    /// accepted, so nobody shares under a label they did not mean.
    public init?(parsing text: String) {
        var label = text.trimmingCharacters(in: .whitespaces).uppercased()
        if label.hasPrefix("TLP:") { label.removeFirst(4) }
        self.init(rawValue: label)
    }

    /// The standard's font colour, to be shown on a black background.
    public var colour: String {
        switch self {
        case .clear: "#FFFFFF"
        case .green: "#33FF00"
        case .amber, .amberStrict: "#FFC000"
        case .red: "#FF2B2B"
        }
    }

    /// Whether reading it is written to the audit log (README.md, Security: AMBER and RED).
    public var auditsReads: Bool { self >= .amber }

    public static func < (lhs: TLPLabel, rhs: TLPLabel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
