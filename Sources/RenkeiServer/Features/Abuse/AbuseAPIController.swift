import Fluent
import Foundation
import RenkeiCore
import Vapor

/// The abuse pipeline in the API, as `renkei abuse` has it: feeds, reports in, notices out.
struct AbuseAPIController {
    /// An upload is held in memory and taken in within one write transaction, which the other
    /// writers wait for: about 250,000 events at most; larger reports go through `renkei abuse ingest`.
    static let uploadLimit = ByteCount(value: 16 << 20)

    func register(_ api: any RoutesBuilder) {
        api.get(.apiAbuseFeeds, use: feeds)
        api.on(.POST, SiteURL.apiAbuseReports.pathComponents, body: .collect(maxSize: Self.uploadLimit), use: report)
        api.get(.apiAbuseNotices, use: notices)
        api.post(.apiAbuseNotices, use: notify)
    }

    func feeds(request: Request) async throws -> [AbuseFeeds.Row] {
        guard AbuseAccess.mayRunPipeline(request.currentActor) else { throw Self.refusal(request) }
        return try await AbuseFeeds.all(on: request.db).map(AbuseFeeds.row)
    }

    /// `POST /api/v1/abuse/reports?feed=NAME[&format=csv|jsonl]` with the report as the body and
    /// an `Idempotency-Key`: 201 with the summary once it is committed; the same key (or the
    /// same bytes for the feed) again: 200 with the first summary and `Idempotency-Replayed: true`.
    func report(request: Request) async throws -> Response {
        guard AbuseAccess.mayRunPipeline(request.currentActor), let user = request.currentUser else { throw Self.refusal(request) }
        guard let key = request.headers.first(name: "Idempotency-Key"), (1...255).contains(key.utf8.count),
              key.utf8.allSatisfy({ (0x21...0x7e).contains($0) }) else {
            throw AppError.badRequest("An Idempotency-Key header (1 to 255 visible ASCII characters) is required, so a retried upload is not counted twice.")
        }
        let name = (try? request.query.get(String.self, at: "feed")) ?? AbuseFeedName.generic
        guard let feed = try await AbuseFeeds.named(name, on: request.db) else {
            throw AppError.notFound("There is no feed “\(name.prefix(63))”; GET \(SiteURL.apiAbuseFeeds.path) lists them.")
        }
        let format = try Self.format(of: request)
        guard let body = request.body.data, body.readableBytes > 0 else { throw AppError.badRequest("The body is the report: CSV, JSON lines or X-ARF.") }
        let bytes = Array(body.readableBytesView)
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let ingest = try await AbuseFeeds.ingest(feed, format: format, resolver: resolver, on: request.db)
        let summary: AbuseIngestSummary
        do {
            summary = try await ingest.ingest(AbuseReportSource(bytes: bytes), fileName: "upload", digest: AbuseReportSource.digest(of: bytes),
                                              idempotencyKey: key, userID: try user.requireID(), on: request.db, now: request.application.renkei.clock.now)
        } catch let error as GenericCSVReport.FileError {
            throw AppError.invalid([FieldError(field: "body", message: "\(error.reason); nothing of it was taken in.")])
        } catch is AbuseIngest.InProgress {
            throw AppError.conflict("The same report is being taken in now; send it again in a moment to get its summary.")
        } catch is AbuseIngest.KeyReused {
            throw AppError.invalid([FieldError(field: "Idempotency-Key", message: "This Idempotency-Key was used for another report; use a new key for a new report.")])
        }
        let response = try await summary.encodeResponse(status: summary.replayed ? .ok : .created, for: request)
        if summary.replayed { response.headers.replaceOrAdd(name: "Idempotency-Replayed", value: "true") }
        return response
    }

    /// `format=csv|jsonl|xarf`, else the body's media type, else the feed's own format (nil).
    static func format(of request: Request) throws -> AbuseReportReader.Format? {
        if let text = try? request.query.get(String.self, at: "format") {
            guard let format = AbuseReportReader.Format(rawValue: text.lowercased()) else { throw AppError.badRequest("format is csv, jsonl or xarf.") }
            return format
        }
        switch request.headers.contentType.map({ "\($0.type)/\($0.subType)".lowercased() }) {
        case "text/csv": return .csv
        case "application/x-ndjson", "application/jsonl", "application/jsonlines", "application/json-seq": return .jsonl
        case "application/json": return .xarf
        default: return nil
        }
    }

    struct NoticeDocument: Content {
        var ticket: String
        var team: String
        var createdAt: Date
        var events: Int
        var tlp: String
        var acknowledgedAt: Date?
        var url: String
    }

    /// The notices the reader may see (its team's; every team's for the secretariat), newest first.
    func notices(request: Request) async throws -> Response {
        guard request.currentActor != nil else { throw AppError.unauthorized("Sign in, or send an API token.") }
        let page = try await AbuseStore.notices(for: request.currentActor, page: try request.pageRequest(), on: request.db)
        let teams = try await DisplayNames.load(users: [], teams: Set(page.items.map(\.teamID)), on: request.db)
        let base = request.application.renkei.mail.publicURL
        return try await page.response(for: request) {
            NoticeDocument(ticket: $0.ticket, team: teams.team($0.teamID), createdAt: $0.createdAt, events: $0.events, tlp: $0.label.text,
                           acknowledgedAt: $0.acknowledgedAt, url: base + SiteURL.abuseNotice(.value($0.ticket)).path)
        }
    }

    /// `POST /api/v1/abuse/notices[?flush=true]`: queues the notices that are due now.
    func notify(request: Request) async throws -> AbuseNotify.Report {
        guard AbuseAccess.mayRunPipeline(request.currentActor) else { throw Self.refusal(request) }
        let flush = (try? request.query.get(Bool.self, at: "flush")) ?? false
        return try await AbuseNotify(addressing: request.application.renkei.mail).run(flush: flush, now: request.application.renkei.clock.now, on: request.db)
    }

    static func refusal(_ request: Request) -> AppError {
        request.currentActor == nil ? .unauthorized("Sign in, or send an API token.") : .forbidden("The secretariat runs the abuse pipeline.")
    }
}

extension AbuseIngestSummary: Content {}
extension AbuseNotify.Report: Content {}
