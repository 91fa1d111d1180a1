/// The community drawn on a world map: each country shaded by its standing, with its name and
/// standing as a `<title>`, drawn by the server as SVG (no script, no CDN, printable).
public enum WorldMap {
    public static let width = 1000, height = 487

    /// The codes of the countries the map has an outline for (Natural Earth's 1:110m set,
    /// without the territories too small to draw at that scale).
    public static var drawnCountries: Set<String> { Set(shapes.keys) }

    public static func svg(_ countries: [CommunityCoverage.CountryRow], title: String) -> String {
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="map-title" class="world-map">\
            <title id="map-title">\(SVGText.escape(title))</title>\
            <g stroke="#ffffff" stroke-width="0.5" stroke-linejoin="round" fill-rule="evenodd">
            """
        for country in countries.sorted(by: { $0.code < $1.code }) {
            guard let outline = shapes[country.code] else { continue }
            svg += "<path id=\"country-\(country.code)\" data-standing=\"\(country.standing.rawValue)\" fill=\"\(country.standing.colour)\" d=\"\(outline)\">"
            svg += "<title>\(SVGText.escape(country.name)): \(country.standing.label)\(detail(country))</title></path>"
        }
        return svg + "</g></svg>"
    }

    /// The regions the growth chart draws (those with members in some year), each with its colour.
    public static func growthGroups(_ growth: [CommunityCoverage.YearRow]) -> [(region: String, colour: String)] {
        let groups = Region.allCases.map(\.rawValue) + [CommunityCoverage.otherRegion]
        let palette = AbuseMonitoring.palette + [AbuseMonitoring.otherColour]
        return groups.enumerated().filter { group in growth.contains { ($0.membersByRegion[group.element] ?? 0) > 0 } }
            .map { ($0.element, palette[$0.offset]) }
    }

    /// The growth chart: members at the end of each year, stacked by region.
    public static func growthSVG(_ growth: [CommunityCoverage.YearRow], title: String) -> String {
        let shown = growthGroups(growth)
        return StackedBarChart(bars: growth.map { String($0.year) }, groups: shown.map(\.region), colours: shown.map(\.colour),
                               values: growth.map { row in shown.map { Int64(row.membersByRegion[$0.region] ?? 0) } },
                               firstAxisLabel: growth.first.map { String($0.year) },
                               lastAxisLabel: growth.count > 1 ? growth.last.map { String($0.year) } : nil).svg(title: title)
    }

    private static func detail(_ country: CommunityCoverage.CountryRow) -> String {
        let parts = [(country.nationalTeams, "national"), (country.memberTeams, "member"), (country.liaisons, "liaison"), (country.listedTeams, "listed")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }
}
