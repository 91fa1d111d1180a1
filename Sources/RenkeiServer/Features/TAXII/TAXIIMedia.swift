import Foundation
import RenkeiCore
import Vapor

/// TAXII 2.1's media type, content negotiation and error resource (sections 1.6.8, 3.6).
enum TAXIIMedia {
    static let taxii = HTTPMediaType(type: "application", subType: "taxii+json", parameters: ["version": "2.1"])
    static let stix = HTTPMediaType(type: "application", subType: "stix+json", parameters: ["version": "2.1"])

    static func isTAXII(path: String) -> Bool { path == "/taxii2" || path.hasPrefix("/taxii2/") }

    /// The error resource TAXII clients read (the problem's words in TAXII's fields).
    static func error(_ problem: Problem) -> JSONValue {
        var pairs: [(key: String, value: JSONValue)] = [("title", .string(problem.title)), ("description", .string(problem.detail)),
                                                        ("http_status", .string(String(problem.status)))]
        if let errors = problem.errors, !errors.isEmpty {
            pairs.append(("details", .object(errors.map { ($0.field, JSONValue.string($0.message)) })))
        }
        return .object(pairs)
    }

    /// 406 unless the client accepts TAXII 2.1 (no `Accept` at all counts as accepting it).
    static func requireAcceptable(_ request: Request) throws {
        let accepted = request.headers[.accept].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !accepted.isEmpty else { return }
        let ok = accepted.contains { value in
            let parts = value.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let type = parts.first else { return false }
            if type == "*/*" || type == "application/*" { return true }
            guard type == "application/taxii+json" else { return false }
            let version = parts.dropFirst().first { $0.hasPrefix("version=") }.map { String($0.dropFirst("version=".count)) }
            return version == nil || version == "2.1"
        }
        guard ok else { throw AppError.notAcceptable("This TAXII server answers in application/taxii+json;version=2.1 only.") }
    }

    /// 415 unless the body is TAXII 2.1 JSON.
    static func requireTAXIIBody(_ request: Request) throws {
        guard let type = request.headers.contentType, type.type == "application", type.subType == "taxii+json",
              type.parameters["version"].map({ $0 == "2.1" }) ?? true else {
            throw AppError.unsupportedMediaType("Post a TAXII envelope as application/taxii+json;version=2.1.")
        }
    }

    static func response(_ json: JSONValue, status: HTTPResponseStatus = .ok, type: HTTPMediaType = taxii) -> Response {
        let response = Response(status: status, body: .init(string: json.serialized(pretty: false)))
        response.headers.contentType = type
        return response
    }
}

/// TAXII clients send the account's e-mail address and an API token as HTTP Basic credentials;
/// a wrong pair is a 401, never a silent anonymous reading.
struct TAXIIBasicAuthenticator: AsyncBasicAuthenticator {
    func authenticate(basic: BasicAuthorization, for request: Request) async throws {
        let user = try await APITokens.user(for: basic.password, at: request.application.renkei.clock.now, on: request.db)
        guard user.email.lowercased() == basic.username.trimmingCharacters(in: .whitespaces).lowercased() else {
            throw AppError.unauthorized("The API token is not valid or was revoked.")
        }
        request.auth.login(user)
    }
}

extension Request {
    /// The collection in the path, if the reader may read it. Without credentials the answer is
    /// 401 (with the Basic challenge TAXII clients and MISP answer) for every id but the public
    /// collection's, known or not, so a stranger learns nothing; a reader who may not read it
    /// gets 404, like an unknown id.
    func readableCollection(notFound: String) throws -> ShareCollection {
        guard let id = parameters.get(SiteURL.collectionKey, as: UUID.self),
              let collection = ShareCollection.collection(id, for: currentActor) else {
            guard currentActor != nil else {
                throw AppError.unauthorized("Give your e-mail address as user name and an API token as password (Basic), or the token alone (Bearer).")
            }
            throw AppError.notFound(notFound)
        }
        return collection
    }
}
