import RenkeiCore

/// The SIM3 ratings as forms post them (`level[O-1]`, `comment[O-1]`) and as the shared
/// template `sim3-fields` shows them: the membership application and a team's profile.
enum SIM3Form {
    struct Parameter: Encodable {
        var id: String
        var name: String
        var summary: String
        var level: String
        var comment: String
    }

    struct Category: Encodable {
        var label: String
        var parameters: [Parameter]
    }

    /// Each category's parameters with the levels and comments given (level 0 where none is).
    static func categories(level: [String: String]?, comment: [String: String]?) -> [Category] {
        SIM3.Category.allCases.map { category in
            Category(label: "\(category.rawValue): \(category.label)", parameters: SIM3.parameters.filter { $0.category == category }.map {
                Parameter(id: $0.id, name: $0.name, summary: $0.summary, level: level?[$0.id] ?? "0", comment: comment?[$0.id] ?? "")
            })
        }
    }

    static func categories(_ assessment: SIM3Assessment) -> [Category] {
        categories(level: assessment.ratings.mapValues { String($0.level.rawValue) }, comment: assessment.ratings.mapValues(\.comment))
    }

    static let levels = SIM3.Level.allCases.map { ["value": String($0.rawValue), "label": "\($0.rawValue) – \($0.label)"] }

    /// The ratings posted; a level that is not 0 to 4 is left out, so `SIM3Assessment.problems` names its parameter.
    static func assessment(level: [String: String]?, comment: [String: String]?) -> SIM3Assessment {
        var ratings: [String: SIM3Assessment.Rating] = [:]
        for (id, text) in level ?? [:] {
            guard let value = Int(text), let level = SIM3.Level(rawValue: value) else { continue }
            ratings[id] = SIM3Assessment.Rating(level: level, comment: comment?[id] ?? "")
        }
        return SIM3Assessment(ratings: ratings)
    }
}
