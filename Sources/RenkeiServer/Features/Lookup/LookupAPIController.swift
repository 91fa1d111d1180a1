import Foundation
import RenkeiCore
import Vapor

/// `GET /api/v1/lookup?q=…` (one indicator) and `POST /api/v1/lookup` (a JSON array of strings,
/// or CSV/plain text with one indicator per line in the first column). A bulk lookup is capped
/// (1,000 indicators anonymously, 100,000 with an API token), counts each indicator against the
/// client's lookup rate limit, and streams its answer as the indicators are resolved.
struct LookupAPIController {
    static let maxIndicators = 100_000
    static let maxAnonymousIndicators = 1_000
    /// Bodies to match: 100,000 lines of up to about 160 bytes, 1,000 of up to about 256.
    static let maxBodyBytes = 16 << 20
    static let maxAnonymousBodyBytes = 256 << 10

    func register(_ api: any RoutesBuilder) {
        api.get(.apiLookup, use: lookupOne)
        // Streamed, so the cap depends on who asks and nothing beyond it is read.
        api.on(.POST, SiteURL.apiLookup.pathComponents, body: .stream, use: lookupMany)
        api.get(.apiOpenAPI, use: openAPI)
    }

    func lookupOne(request: Request) async throws -> Response {
        guard let input = try? request.query.get(String.self, at: "q") else {
            throw AppError.invalid([FieldError(field: "q", message: "Give an indicator: ?q=203.0.113.7 (address, prefix, AS number, domain, URL, e-mail or country code).")])
        }
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let resolution: Resolution
        do {
            resolution = try resolver.resolve(input, audience: DirectoryPolicy.audience(for: request.currentActor), now: request.application.renkei.clock.now)
        } catch {
            throw AppError.invalid([FieldError(field: "q", message: error.description)])
        }
        return try await ResolutionDocument(resolution: resolution).encodeResponse(for: request)
    }

    /// A resolution as the response body (the core type stays free of Vapor).
    struct ResolutionDocument: Content {
        var resolution: Resolution
        init(resolution: Resolution) { self.resolution = resolution }
        init(from decoder: any Decoder) throws { resolution = try Resolution(from: decoder) }
        func encode(to encoder: any Encoder) throws { try resolution.encode(to: encoder) }
    }

    /// An indicator of a bulk lookup that could not be read.
    struct LineError: Encodable {
        var line: Int
        var input: String
        var error: String
    }

    func lookupMany(request: Request) async throws -> Response {
        let identified = request.rateLimitClient.identified
        let (maxIndicators, maxBytes) = identified ? (Self.maxIndicators, Self.maxBodyBytes) : (Self.maxAnonymousIndicators, Self.maxAnonymousBodyBytes)
        let tooLarge = "At most \(maxIndicators) indicators (\(maxBytes >> 10) KiB) per request"
            + (identified ? "." : " without an API token; with one, up to \(Self.maxIndicators).")
        let body: ByteBuffer?
        do { body = try await request.body.collect(max: maxBytes).get() } catch { throw AppError.payloadTooLarge(tooLarge) }
        // A body the test client or a proxy handed over whole has not been measured yet.
        guard (body?.readableBytes ?? 0) <= maxBytes else { throw AppError.payloadTooLarge(tooLarge) }
        let inputs = try Self.indicators(in: body, type: request.headers.contentType)
        guard inputs.count <= maxIndicators else {
            throw AppError.payloadTooLarge(tooLarge + " This one has \(inputs.count).")
        }
        let limits = request.application.renkei.settings.rateLimits
        try request.chargeRateLimit(inputs.count, kind: "lookup", identified: limits.lookupPerToken, anonymous: limits.lookupAnonymous,
                                    what: "indicators looked up")
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let audience = DirectoryPolicy.audience(for: request.currentActor)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(asyncStream: { writer in
            try await Self.stream(inputs, resolver: resolver, audience: audience, to: writer)
        }))
    }

    /// The answer as JSON, written in pieces as the indicators are resolved:
    /// `{"count": N, "results": [...], "errors": [...], "sources": {...}, "datasets": [...]}`.
    static func stream(_ inputs: [(Int, String)], resolver: Resolver, audience: DirectoryAudience, to writer: any AsyncBodyStreamWriter) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let now = Date()
        var piece = Array("{\"count\":\(inputs.count),\"results\":[".utf8)
        var errors: [LineError] = []
        var first = true
        for (line, input) in inputs {
            var resolution: Resolution
            do { resolution = try resolver.resolve(input, audience: audience, now: now) } catch {
                errors.append(.init(line: line, input: input, error: error.reason))
                continue
            }
            // Named once at the end, not in each of up to 100,000 results.
            resolution.datasets = nil
            if !first { piece.append(UInt8(ascii: ",")) }
            piece += try encoder.encode(resolution)
            first = false
            if piece.count >= 64 << 10 {
                try await writer.writeBuffer(ByteBuffer(bytes: piece))
                piece.removeAll(keepingCapacity: true)
            }
        }
        let datasets = resolver.datasets(for: audience)
        let sources = Dictionary(datasets.filter { $0.kind != .constituency }.map { ($0.kind.rawValue, $0.summary) }, uniquingKeysWith: { first, _ in first })
        piece += Array("],\"errors\":".utf8)
        piece += try encoder.encode(errors)
        piece += Array(",\"sources\":".utf8)
        piece += try encoder.encode(sources)
        piece += Array(",\"datasets\":".utf8)
        piece += try encoder.encode(datasets)
        piece.append(UInt8(ascii: "}"))
        try await writer.writeBuffer(ByteBuffer(bytes: piece))
        try await writer.write(.end)
    }

    /// The indicators with their position: array index + 1 for JSON, line number for text.
    static func indicators(in body: ByteBuffer?, type: HTTPMediaType?) throws -> [(Int, String)] {
        guard let body, body.readableBytes > 0 else {
            throw AppError.badRequest("Send a JSON array of indicators, or CSV / plain text with one indicator per line.")
        }
        if type?.type == "application" && (type?.subType == "json" || type?.subType.hasSuffix("+json") == true) {
            let value: JSONValue
            do { value = try JSONValue.parse(Data(buffer: body)) } catch { throw AppError.badRequest(error.description) }
            guard case .array(let items) = value else { throw AppError.badRequest("The JSON body must be an array of strings.") }
            return try items.enumerated().map { index, item in
                guard case .string(let text) = item else {
                    throw AppError.invalid([FieldError(field: "[\(index)]", message: "Each indicator must be a string.")])
                }
                return (index + 1, text)
            }
        }
        guard type == nil || type?.type == "text" else {
            throw AppError.unsupportedMediaType("Send application/json, text/csv or text/plain.")
        }
        let text = body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
        let records: [CSVRecord]
        do { records = try CSV.records(text) } catch { throw AppError.badRequest(error.description) }
        return records.enumerated().compactMap { index, record in
            let first = record.fields.first?.trimmingCharacters(in: .whitespaces) ?? ""
            if index == 0 && first.lowercased() == "indicator" { return nil }
            return (record.line, first)
        }
    }

    func openAPI(request: Request) async throws -> Response {
        let path = request.application.directory.resourcesDirectory + "openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else { throw AppError.notFound("No API description is installed.") }
        return Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: data))
    }
}
