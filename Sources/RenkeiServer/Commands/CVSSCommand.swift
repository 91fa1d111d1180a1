import Foundation
import RenkeiCore

/// `renkei cvss [--json] [VECTOR...]`: scores vectors (from standard input, one per line, when
/// none are given). `--json` prints one object per line with the key names of FIRST's CVSS JSON
/// schemas. Exit status 2 when any vector is invalid, after scoring the others. Needs no database.
enum CVSSCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var vectors = arguments.filter { $0 != "--json" }
        if let unknown = vectors.first(where: { $0.hasPrefix("--") }) {
            FileHandle.standardError.write(Data("renkei: unknown option \(unknown); usage: renkei cvss [--json] [VECTOR...]\n".utf8))
            return 2
        }
        if vectors.isEmpty {
            while let line = readLine() {
                let vector = line.trimmingCharacters(in: .whitespaces)
                if !vector.isEmpty { vectors.append(vector) }
            }
        }
        var failed = false
        for vector in vectors {
            do {
                let result = try CVSS.score(vector)
                print(json ? jsonLine(result) : tableLine(result))
            } catch {
                failed = true
                if json { print(JSONValue.object([("vectorString", .string(vector)), ("error", .string(error.description))]).serialized(pretty: false)) }
                FileHandle.standardError.write(Data("renkei: \(vector): \(error.description)\n".utf8))
            }
        }
        return failed ? 2 : 0
    }

    static func jsonLine(_ result: CVSSResult) -> String {
        var pairs: [(key: String, value: JSONValue)] = [("version", .string(result.version.rawValue)), ("vectorString", .string(result.vectorString))]
        func put(_ key: String, _ number: Double?) { if let number { pairs.append((key, .number(number))) } }
        func put(_ key: String, _ text: String?) { if let text { pairs.append((key, .string(text))) } }
        put("baseScore", result.baseScore)
        put("baseSeverity", result.baseSeverity)
        put("temporalScore", result.temporalScore)
        put("environmentalScore", result.environmentalScore)
        put("score", result.score)
        put("severity", result.severity)
        put("nomenclature", result.nomenclature)
        return JSONValue.object(pairs).serialized(pretty: false)
    }

    static func tableLine(_ result: CVSSResult) -> String {
        func format(_ score: Double?, _ severity: String?) -> String {
            score.map { String(format: "%.1f", $0) + (severity.map { " \($0)" } ?? "") } ?? "-"
        }
        if result.version == .v4_0 {
            return "\(result.vectorString)  v4.0  \(format(result.score, result.severity))  \(result.nomenclature ?? "")"
        }
        return "\(result.vectorString)  v\(result.version.rawValue)  base \(format(result.baseScore, result.baseSeverity))"
            + "  temporal \(format(result.temporalScore, result.temporalSeverity))"
            + "  environmental \(format(result.environmentalScore, result.environmentalSeverity))"
    }
}
