import RenkeiCore
import Vapor

/// Errors a handler raises; `ProblemMiddleware` turns them into problem+json or an error page.
public enum AppError: Error, Sendable {
    case notFound(String)
    case unauthorized(String)
    case forbidden(String)
    case badRequest(String)
    case invalid([FieldError])
    case conflict(String)
    /// It existed and is over: an expired link.
    case gone(String)
    case tooManyRequests(String, retryAfter: Int)
    case unsupportedMediaType(String)
    case payloadTooLarge(String)
    case notAcceptable(String)

    var status: HTTPResponseStatus {
        switch self {
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .badRequest: .badRequest
        case .invalid: .unprocessableEntity
        case .conflict: .conflict
        case .gone: .gone
        case .tooManyRequests: .tooManyRequests
        case .unsupportedMediaType: .unsupportedMediaType
        case .payloadTooLarge: .payloadTooLarge
        case .notAcceptable: .notAcceptable
        }
    }

    var detail: String {
        switch self {
        case .notFound(let text), .unauthorized(let text), .forbidden(let text), .badRequest(let text),
             .conflict(let text), .gone(let text), .tooManyRequests(let text, _), .unsupportedMediaType(let text), .payloadTooLarge(let text), .notAcceptable(let text): text
        case .invalid(let errors): errors.count == 1 ? errors[0].message : "\(errors.count) fields are not valid."
        }
    }

    var fieldErrors: [FieldError] {
        if case .invalid(let errors) = self { return errors }
        return []
    }
}

/// An RFC 9457 problem document.
struct Problem: Content {
    static let contentType = HTTPMediaType(type: "application", subType: "problem+json", parameters: ["charset": "utf-8"])
    var type: String = "about:blank"
    var title: String
    var status: Int
    var detail: String
    var instance: String?
    /// Which rule refused a membership, SIG or event step (`RuleRefusal.code`), for clients to branch on.
    var reason: String?
    var errors: [FieldError]?
}

extension Request {
    /// Refuses a body that is not JSON, so a form or multipart body is never read as an empty
    /// JSON object (which would mean "remove" or "change nothing" to some endpoints).
    func requireJSONBody(_ what: String) throws {
        guard let type = headers.contentType, type.type == "application", type.subType == "json" || type.subType.hasSuffix("+json") else {
            throw AppError.unsupportedMediaType("Send \(what) as JSON (Content-Type: application/json).")
        }
    }
}
