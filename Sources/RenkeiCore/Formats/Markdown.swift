import Foundation

/// A small, safe Markdown renderer for shared items: paragraphs, headings, lists, quotes, code
/// (fenced and inline), emphasis and links. Every character of the source is escaped first;
/// no HTML from the source passes through, and links go only to http(s) and mailto addresses.
public enum Markdown {
    public static func html(_ source: String) -> String {
        var output: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?
        var code: [String]?

        func flushParagraph() {
            if !paragraph.isEmpty { output.append("<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>") }
            paragraph = []
        }
        func flushList() {
            if let current = list {
                let tag = current.ordered ? "ol" : "ul"
                output.append("<\(tag)>" + current.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }

        for rawLine in source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine)
            if var block = code {
                if line.trimmingCharacters(in: .whitespaces).hasPrefix("```") {
                    output.append("<pre><code>" + escape(block.joined(separator: "\n")) + "</code></pre>")
                    code = nil
                } else {
                    block.append(line)
                    code = block
                }
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flushParagraph(); flushList()
                code = []
            } else if trimmed.isEmpty {
                flushParagraph(); flushList()
            } else if let level = headingLevel(trimmed) {
                flushParagraph(); flushList()
                output.append("<h\(level + 2)>" + inline(String(trimmed.dropFirst(level + 1))) + "</h\(level + 2)>")
            } else if let item = listItem(trimmed) {
                flushParagraph()
                if list?.ordered != item.ordered { flushList() }
                list = (item.ordered, (list?.items ?? []) + [item.text])
            } else if trimmed.hasPrefix(">") {
                flushParagraph(); flushList()
                output.append("<blockquote>" + inline(String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)) + "</blockquote>")
            } else {
                flushList()
                paragraph.append(trimmed)
            }
        }
        if let block = code { output.append("<pre><code>" + escape(block.joined(separator: "\n")) + "</code></pre>") }
        flushParagraph(); flushList()
        return output.joined(separator: "\n")
    }

    /// `#` to `####` (rendered two levels down, below the page's own headings).
    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...4).contains(hashes), line.dropFirst(hashes).first == " " else { return nil }
        return hashes
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline code, links, bold and italic, on escaped text.
    static func inline(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let tick = rest.firstIndex(of: "`") {
            result += spans(String(rest[..<tick]))
            let after = rest[rest.index(after: tick)...]
            guard let close = after.firstIndex(of: "`") else {
                result += spans(String(rest[tick...]))
                return result
            }
            result += "<code>" + escape(String(after[..<close])) + "</code>"
            rest = after[after.index(after: close)...]
        }
        return result + spans(String(rest))
    }

    private static func spans(_ text: String) -> String {
        var html = escape(text)
        html = replace(#"\[([^\]]+)\]\((https?://[^\s()]+|mailto:[^\s()]+)\)"#, in: html) { groups in
            "<a href=\"\(groups[2])\" rel=\"nofollow noopener noreferrer\">\(groups[1])</a>"
        }
        html = replace(#"\*\*([^*]+)\*\*"#, in: html) { "<strong>\($0[1])</strong>" }
        html = replace(#"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])"#, in: html) { "<em>\($0[1])</em>" }
        html = replace(#"(?<![\w])_([^_\s][^_]*)_(?![\w])"#, in: html) { "<em>\($0[1])</em>" }
        return html
    }

    private static func replace(_ pattern: String, in text: String, with transform: ([String]) -> String) -> String {
        guard let expression = try? NSRegularExpression(pattern: pattern) else { return text }
        var result = ""
        var last = text.startIndex
        for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let groups = (0..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
            result += text[last..<range.lowerBound] + transform(groups)
            last = range.upperBound
        }
        return result + text[last...]
    }

    /// Escapes the five characters that are markup in HTML and XML.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
