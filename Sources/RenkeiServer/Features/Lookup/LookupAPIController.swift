import Foundation
import RenkeiCore
import Vapor

/// `GET /api/v1/lookup?q=…` (one indicator) and `POST /api/v1/lookup` (a JSON array of strings,
/// or CSV/plain text with one indicator per line in the first column; up to 100,000).
struct LookupAPIController {
    static let maxIndicators = 100_000

    func register(_ api: any RoutesBuilder) {
        api.get(.apiLookup, use: lookupOne)
        api.on(.POST, SiteURL.apiLookup.pathComponents, body: .collect(maxSize: "64mb"), use: lookupMany)
        api.get(.apiOpenAPI, use: openAPI)
    }

    func lookupOne(request: Request) async throws -> Response {
        guard let input = try? request.query.get(String.self, at: "q") else {
            throw AppError.invalid([FieldError(field: "q", message: "Give an indicator: ?q=203.0.113.7 (address, prefix, AS number, domain, URL, e-mail or country code).")])
        }
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let resolution: Resolution
        do {
            resolution = try resolver.resolve(input, audience: DirectoryPolicy.audience(for: request.currentActor))
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

    struct BatchAnswer: Content {
        struct LineError: Content {
            var line: Int
            var input: String
            var error: String
        }
        var count: Int
        var results: [Resolution]
        var errors: [LineError]
        var sources: [String: String]
    }

    func lookupMany(request: Request) async throws -> BatchAnswer {
        let inputs = try Self.indicators(in: request)
        guard inputs.count <= Self.maxIndicators else {
            throw AppError.payloadTooLarge("At most \(Self.maxIndicators) indicators per request; this one has \(inputs.count).")
        }
        let resolver = try await request.application.lookup.resolver(on: request.db)
        let audience = DirectoryPolicy.audience(for: request.currentActor)
        let now = Date()
        var results: [Resolution] = []
        var errors: [BatchAnswer.LineError] = []
        for (line, input) in inputs {
            do {
                results.append(try resolver.resolve(input, audience: audience, now: now))
            } catch {
                errors.append(.init(line: line, input: input, error: error.reason))
            }
        }
        var sources: [String: String] = [:]
        sources["rir"] = resolver.sources.registration
        sources["pfx2as"] = resolver.sources.routing
        return BatchAnswer(count: inputs.count, results: results, errors: errors, sources: sources)
    }

    /// The indicators with their position: array index + 1 for JSON, line number for text.
    static func indicators(in request: Request) throws -> [(Int, String)] {
        guard let body = request.body.data, body.readableBytes > 0 else {
            throw AppError.badRequest("Send a JSON array of indicators, or CSV / plain text with one indicator per line.")
        }
        let type = request.headers.contentType
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
