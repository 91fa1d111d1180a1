import Foundation

/// A team's SIM3 self-assessment kept current after it joined: who may read it, who may change
/// it, and the community's median it is compared with.
public struct SIM3Profile: Sendable, Hashable, Codable {
    /// Who the team shows its profile to; the secretariat reads every profile.
    public typealias Visibility = MetricVisibility

    public var teamID: UUID
    public var assessment: SIM3Assessment
    public var visibility: Visibility
    public var updatedAt: Date

    public init(teamID: UUID, assessment: SIM3Assessment, visibility: Visibility, updatedAt: Date) {
        (self.teamID, self.assessment, self.visibility, self.updatedAt) = (teamID, assessment, visibility, updatedAt)
    }

    /// Whether `actor` may read this profile: the team's own people and the secretariat always,
    /// members when the team shows it to members, everyone when it is public. A suspended
    /// team's people read as members do elsewhere; a terminated one's read what the public reads.
    public func canRead(_ actor: Actor?) -> Bool { visibility.allows(actor, teamOf: teamID) }

    /// The team's representatives keep its profile; nobody else writes it, the secretariat
    /// included (a self-assessment is the team's word).
    public static func canEdit(teamID: UUID, actor: Actor?) -> Bool { MetricVisibility.canChoose(teamID: teamID, actor: actor) }

    /// Fewer profiles than this give no median: one or two would all but show the profiles themselves.
    public static let fewestForMedian = 3

    /// The median level of each parameter over `profiles`, or nil when there are too few. The
    /// caller passes only the profiles the reader may read, so an aggregate never carries a
    /// profile its team did not show.
    public static func medians(_ profiles: [SIM3Assessment]) -> [String: Double]? {
        guard profiles.count >= fewestForMedian else { return nil }
        var medians: [String: Double] = [:]
        for parameter in SIM3.parameters {
            let levels = profiles.compactMap { $0.ratings[parameter.id].map { Double($0.level.rawValue) } }
            if let median = ResponseStatistics.median(levels) { medians[parameter.id] = median }
        }
        return medians
    }
}

/// Medians and percentiles as the metrics report them.
public enum ResponseStatistics {
    /// The middle value, or the mean of the two middle values; nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The nearest-rank percentile (the smallest value at or below which `percent`% of the
    /// values lie); nil for no values.
    public static func percentile(_ values: [Double], _ percent: Double) -> Double? {
        guard !values.isEmpty, percent > 0, percent <= 100 else { return nil }
        let sorted = values.sorted()
        let rank = Int((percent / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(rank, 1) - 1]
    }
}

/// The radar chart of a SIM3 profile: one spoke per parameter (in the model's order, so the
/// four categories make four sectors), rings at levels 1 to 4, the team's profile as a filled
/// polygon and the community median as a dashed outline. Drawn by the server as SVG.
public enum SIM3Radar {
    public static let size = 560.0

    public static func svg(_ assessment: SIM3Assessment, median: [String: Double]?, title: String) -> String {
        let centre = size / 2, radius = size / 2 - 70
        let count = SIM3.parameters.count
        func point(_ index: Int, _ level: Double) -> (x: Double, y: Double) {
            let angle = -Double.pi / 2 + 2 * Double.pi * Double(index) / Double(count)
            return (centre + radius * level / 4 * cos(angle), centre + radius * level / 4 * sin(angle))
        }
        func polygon(_ levels: [Double]) -> String {
            levels.enumerated().map { "\(SVGText.number(point($0.offset, $0.element).x)),\(SVGText.number(point($0.offset, $0.element).y))" }.joined(separator: " ")
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(size)) \(Int(size))" role="img" aria-labelledby="radar-title" class="radar">\
            <title id="radar-title">\(SVGText.escape(title))</title><g fill="none" stroke="#c8c8c8" stroke-width="1">
            """
        for level in 1...4 { svg += "<polygon points=\"\(polygon(Array(repeating: Double(level), count: count)))\"/>" }
        for index in 0..<count {
            let end = point(index, 4)
            svg += "<line x1=\"\(SVGText.number(centre))\" y1=\"\(SVGText.number(centre))\" x2=\"\(SVGText.number(end.x))\" y2=\"\(SVGText.number(end.y))\"/>"
        }
        svg += "</g>"
        // The ring numbers sit left of the first spoke, clear of its point.
        for level in 1...4 {
            let at = point(0, Double(level))
            svg += "<text x=\"\(SVGText.number(at.x - 6))\" y=\"\(SVGText.number(at.y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#767676\">\(level)</text>"
        }
        for (index, parameter) in SIM3.parameters.enumerated() {
            let at = point(index, 4.55)
            let anchor = abs(at.x - centre) < 8 ? "middle" : at.x < centre ? "end" : "start"
            svg += "<text x=\"\(SVGText.number(at.x))\" y=\"\(SVGText.number(at.y + 4))\" text-anchor=\"\(anchor)\" font-size=\"11\" fill=\"currentColor\">\(parameter.id)</text>"
        }
        if let median {
            let levels = SIM3.parameters.map { median[$0.id] ?? 0 }
            svg += "<polygon class=\"median\" points=\"\(polygon(levels))\" fill=\"none\" stroke=\"#e69f00\" stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>Community median</title></polygon>"
        }
        let levels = SIM3.parameters.map { Double(assessment.ratings[$0.id]?.level.rawValue ?? 0) }
        svg += "<polygon class=\"team\" points=\"\(polygon(levels))\" fill=\"#0072b2\" fill-opacity=\"0.25\" stroke=\"#0072b2\" stroke-width=\"2\"><title>This team</title></polygon>"
        for (index, parameter) in SIM3.parameters.enumerated() {
            let at = point(index, levels[index])
            let medianText = median?[parameter.id].map { ", community median \(SVGText.number($0))" } ?? ""
            svg += "<circle cx=\"\(SVGText.number(at.x))\" cy=\"\(SVGText.number(at.y))\" r=\"3\" fill=\"#0072b2\"><title>\(parameter.id) \(SVGText.escape(parameter.name)): \(Int(levels[index]))\(medianText)</title></circle>"
        }
        return svg + "</svg>"
    }
}
