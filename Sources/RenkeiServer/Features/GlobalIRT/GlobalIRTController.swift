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

    /// An answer as it goes out, but for `If-Modified-Since`.
    struct Answer: Sendable {
        var headers: HTTPHeaders
        var lastModified: Date?
        var body: ByteBuffer
    }

    /// The answer depends only on the reader's view of the directory, the format and the query,
    /// so it is made once per snapshot and kept (`DirectorySnapshot.globalIRTAnswers`).
    func teams(request: Request, csv: Bool) async throws -> Response {
        let snapshot = try await request.directorySnapshot()
        let audience = DirectoryPolicy.audience(for: request.currentActor)
        let key = "\(audience)|\(csv ? "csv" : "json")|\(request.url.query ?? "")"
        let now = request.application.renkei.clock.now
        let answer: Answer
        if let kept = snapshot.globalIRTAnswers.page(for: key, at: now) {
            answer = kept
        } else {
            answer = try Self.answer(to: request.url.query ?? "", csv: csv, from: snapshot.prepared(for: audience).view.globalIRT)
            snapshot.globalIRTAnswers.store(answer, bytes: answer.body.readableBytes, for: key, at: now)
        }
        if let lastModified = answer.lastModified, let since = request.headers.first(name: .ifModifiedSince).flatMap(Self.parseHTTPDate),
           Int(lastModified.timeIntervalSince1970) <= Int(since.timeIntervalSince1970) {
            var headers = answer.headers
            headers.remove(name: .contentType)
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: answer.headers, body: .init(buffer: answer.body))
    }

    private static func answer(to rawQuery: String, csv: Bool, from prepared: [GlobalIRT.PreparedTeam]) throws -> Answer {
        let parameters = rawQuery.split(separator: "&").map { pair -> (name: String, value: String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
        let query: GlobalIRT.Query
        do { query = try GlobalIRT.Query(parameters: parameters) } catch { throw AppError.invalid([error]) }

        let answer = GlobalIRT.answer(query, prepared: prepared, inDefaultOrder: true)
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: "X-Version", value: GlobalIRT.version)
        headers.replaceOrAdd(name: "X-Total-Count", value: String(answer.total))
        if let lastModified = answer.lastModified {
            headers.replaceOrAdd(name: .lastModified, value: GlobalIRT.httpDate(lastModified))
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
        return Answer(headers: headers, lastModified: answer.lastModified, body: ByteBuffer(string: body))
    }

    static func parseHTTPDate(_ text: String) -> Date? {
        DateFormatter.fixed("EEE, dd MMM yyyy HH:mm:ss 'GMT'").date(from: text)
    }
}
