import Foundation
import RenkeiCore

/// The `<option>` elements of a filter's `<select>`, escaped and rendered once, then joined per
/// request with the chosen one marked. The directory's filter form lists about 250 countries
/// and 30 regions: rendered by Leaf node by node on every request, they cost more than the page
/// of teams itself.
struct SelectOptions: Sendable {
    private let values: [String]
    private let plain: [String]
    private let chosen: [String]

    init(_ options: [(value: String, label: String)]) {
        values = options.map(\.value)
        plain = options.map { "<option value=\"\(Markdown.escape($0.value))\">\(Markdown.escape($0.label))</option>" }
        chosen = options.map { "<option value=\"\(Markdown.escape($0.value))\" selected>\(Markdown.escape($0.label))</option>" }
    }

    /// The options as HTML, `selected` on the one whose value is `selected`.
    func html(selected: String) -> String {
        guard let index = values.firstIndex(of: selected) else { return plain.joined() }
        var copy = plain
        copy[index] = chosen[index]
        return copy.joined()
    }
}
