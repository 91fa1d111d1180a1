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
        /// What is wrong with this parameter's rating, after a refused save.
        var error: String?
    }

    struct Category: Encodable {
        var label: String
        var parameters: [Parameter]
    }

    /// Each category's parameters with the levels and comments given; `unrated` where none is
    /// ("" shows a "choose" option, so no level is recorded by accident), and each parameter's problem.
    static func categories(level: [String: String]?, comment: [String: String]?, unrated: String = "0", errors: [String: String] = [:]) -> [Category] {
        SIM3.Category.allCases.map { category in
            Category(label: "\(category.rawValue): \(category.label)", parameters: SIM3.parameters.filter { $0.category == category }.map {
                Parameter(id: $0.id, name: $0.name, summary: $0.summary, level: level?[$0.id] ?? unrated, comment: comment?[$0.id] ?? "", error: errors[$0.id])
            })
        }
    }

    /// The problems of `assessment` as form errors, each on its parameter's control (its level,
    /// or its comment when that is too long); an unknown parameter on the whole fieldset.
    static func fieldErrors(_ assessment: SIM3Assessment) -> [FieldError] {
        assessment.problems().map { problem in
            guard SIM3.parameter(problem.parameter) != nil else { return FieldError(field: "sim3", message: problem.message) }
            let onComment = assessment.ratings[problem.parameter].map { !SIM3Assessment.fits($0.comment) } ?? false
            return FieldError(field: "\(onComment ? "comment" : "level")-\(problem.parameter)", message: problem.message)
        }
    }

    /// Each parameter's problems, by parameter id, for `categories(errors:)`.
    static func errorsByParameter(_ errors: [FieldError]) -> [String: String] {
        var byParameter: [String: String] = [:]
        for error in errors {
            for prefix in ["level-", "comment-"] where error.field.hasPrefix(prefix) {
                let id = String(error.field.dropFirst(prefix.count))
                byParameter[id] = [byParameter[id], error.message].compactMap { $0 }.joined(separator: " ")
            }
        }
        return byParameter
    }

    static func categories(_ assessment: SIM3Assessment) -> [Category] {
        categories(level: assessment.ratings.mapValues { String($0.level.rawValue) }, comment: assessment.ratings.mapValues(\.comment))
    }

    static let levels = SIM3.Level.allCases.map { ["value": String($0.rawValue), "label": "\($0.rawValue) – \($0.shortLabel)"] }

    /// The levels' full definitions, written once above the ratings.
    static let definitions = SIM3.Level.allCases.map { "\($0.rawValue) – \($0.label)" }

    /// The ratings posted for the model's parameters (other names are ignored); a level that is
    /// not 0 to 4 is left out, so `SIM3Assessment.problems` names its parameter.
    static func assessment(level: [String: String]?, comment: [String: String]?) -> SIM3Assessment {
        var ratings: [String: SIM3Assessment.Rating] = [:]
        for parameter in SIM3.parameters {
            guard let text = level?[parameter.id], let value = Int(text), let level = SIM3.Level(rawValue: value) else { continue }
            ratings[parameter.id] = SIM3Assessment.Rating(level: level, comment: comment?[parameter.id] ?? "")
        }
        return SIM3Assessment(ratings: ratings)
    }
}
