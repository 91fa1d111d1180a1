/// A stacked bar chart drawn as SVG by the server: no script, no CDN, readable when printed.
/// Each bar segment carries a `<title>` (the bar, group and value) for pointers; pages list
/// the same numbers as a table for everyone else.
public struct StackedBarChart: Sendable {
    /// One label per bar, used in the segments' titles.
    public var bars: [String]
    public var groups: [String]
    /// One colour per group.
    public var colours: [String]
    /// `values[bar][group]`.
    public var values: [[Int64]]
    /// Written under the first and (when given) the last bar.
    public var firstAxisLabel: String?
    public var lastAxisLabel: String?

    public init(bars: [String], groups: [String], colours: [String], values: [[Int64]], firstAxisLabel: String?, lastAxisLabel: String?) {
        (self.bars, self.groups, self.colours, self.values) = (bars, groups, colours, values)
        (self.firstAxisLabel, self.lastAxisLabel) = (firstAxisLabel, lastAxisLabel)
    }

    public func svg(title: String) -> String {
        let width = 720.0, height = 240.0, left = 56.0, bottom = 28.0, top = 12.0, right = 8.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let highest = values.map { $0.reduce(0, +) }.max() ?? 0
        let scale = Self.niceCeiling(highest)
        let step = bars.isEmpty ? plotWidth : plotWidth / Double(bars.count)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" aria-labelledby="chart-title" class="chart">\
            <title id="chart-title">\(SVGText.escape(title))</title>
            """
        // A line halfway only where it is a whole number.
        for fraction in scale % 2 == 0 ? [0.0, 0.5, 1.0] : [0.0, 1.0] {
            let y = top + plotHeight * (1 - fraction)
            svg += "<line x1=\"\(SVGText.number(left))\" x2=\"\(SVGText.number(width - right))\" y1=\"\(SVGText.number(y))\" y2=\"\(SVGText.number(y))\" stroke=\"#c8c8c8\" stroke-width=\"1\"/>"
            svg += "<text x=\"\(SVGText.number(left - 6))\" y=\"\(SVGText.number(y + 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">\(Int64(Double(scale) * fraction))</text>"
        }
        for index in bars.indices {
            var y = top + plotHeight
            let x = left + step * Double(index) + step * 0.1
            for (group, value) in values[index].enumerated() where value > 0 {
                let barHeight = plotHeight * Double(value) / Double(max(scale, 1))
                y -= barHeight
                svg += "<rect x=\"\(SVGText.number(x))\" y=\"\(SVGText.number(y))\" width=\"\(SVGText.number(step * 0.8))\" height=\"\(SVGText.number(barHeight))\" fill=\"\(colours[group])\">"
                svg += "<title>\(SVGText.escape(bars[index])): \(SVGText.escape(groups[group])) \(value)</title></rect>"
            }
        }
        if let first = firstAxisLabel {
            svg += "<text x=\"\(SVGText.number(left))\" y=\"\(SVGText.number(height - 8))\" font-size=\"11\" fill=\"currentColor\">\(SVGText.escape(first))</text>"
        }
        if let last = lastAxisLabel {
            svg += "<text x=\"\(SVGText.number(width - right))\" y=\"\(SVGText.number(height - 8))\" text-anchor=\"end\" font-size=\"11\" fill=\"currentColor\">\(SVGText.escape(last))</text>"
        }
        return svg + "</svg>"
    }

    /// The axis's top: 1, 2 or 5 times a power of ten, at least `value`.
    static func niceCeiling(_ value: Int64) -> Int64 {
        guard value > 1 else { return 1 }
        var power: Int64 = 1
        while true {
            for factor: Int64 in [1, 2, 5] where factor * power >= value { return factor * power }
            power *= 10
        }
    }
}

/// Text and numbers as the server-drawn SVG charts and maps write them.
enum SVGText {
    /// One decimal at most, none when whole.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
