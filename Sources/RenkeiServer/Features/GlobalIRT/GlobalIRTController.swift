import Foundation
import RenkeiCore
import Vapor

/// FIRST's Global IRT REST API v1 `GET /teams`, with `.json` and `.csv` variants.
struct GlobalIRTController {
    func register(_ api: any RoutesBuilder) {
        api.get(.globalIRTTeams) { try await teams(request: $0, csv: Self.wantsCSV($0)) }
        api.get(.globalIRTTeamsJSON) { try await teams(request: $0, csv: false) }
        api.get(.globalIRTTeamsCSV) { try await teams(request: $0, csv: true) }
    }

    /// The extension wins; without one, `Accept` may ask for CSV (api.md lists both).
    static func wantsCSV(_ request: Request) -> Bool {
        request.headers[.accept].contains { $0.contains("text/csv") || $0.contains("application/csv") }
    }

    func teams(request: Request, csv: Bool) async throws -> Response {
        let parameters = (request.url.query ?? "").split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        let query: GlobalIRT.Query
        do { query = try GlobalIRT.Query(parameters: parameters) } catch { throw AppError.invalid([error]) }

        let answer = GlobalIRT.answer(query, prepared: try await request.directory().view.globalIRT, inDefaultOrder: true)

        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: "X-Version", value: GlobalIRT.version)
        headers.replaceOrAdd(name: "X-Total-Count", value: String(answer.total))
        if let lastModified = answer.lastModified {
            headers.replaceOrAdd(name: .lastModified, value: GlobalIRT.httpDate(lastModified))
            if let since = request.headers.first(name: .ifModifiedSince).flatMap(Self.parseHTTPDate),
               Int(lastModified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
                return Response(status: .notModified, headers: headers)
            }
        }
        let body: String
        if csv {
            headers.contentType = HTTPMediaType(type: "text", subType: "csv", parameters: ["charset": "utf-8", "header": "present"])
            body = GlobalIRT.csv(answer.page(query), query: query)
        } else if query.envelope || query.fields != nil {
            headers.contentType = .json
            let page = answer.page(query)
            let document = query.envelope ? GlobalIRT.envelope(page, query: query) : .array(page.items)
            body = document.serialized(pretty: query.pretty) + "\n"
        } else {
            headers.contentType = .json
            body = GlobalIRT.arrayBody(answer, pretty: query.pretty) + "\n"
        }
        return Response(status: .ok, headers: headers, body: .init(string: body))
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        DateFormatter.fixed("EEE, dd MMM yyyy HH:mm:ss 'GMT'").date(from: text)
    }
}
