import Foundation
import RenkeiCore
import Vapor

/// The one place errors become responses: RFC 9457 problem+json under the API paths, a
/// rendered page everywhere else. Unexpected errors are logged and answered without detail.
struct ProblemMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch AppError.unauthorized where !SiteURL.isAPI(path: request.url.path) && request.method == .GET {
            // A browser is sent to sign in and brought back afterwards, if the way back is a safe local path.
            let back = SafeRedirect.target(request.url.string)
            guard back != SafeRedirect.fallback else { return request.redirect(to: SiteURL.signIn.path) }
            var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
            allowed.insert(charactersIn: "-._~/")
            return request.redirect(to: SiteURL.signIn.path + "?next=" + (back.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""))
        } catch {
            let problem = Self.problem(for: error, request: request)
            if problem.status >= 500 {
                request.logger.report(error: error)
            }
            let response: Response
            if TAXIIMedia.isTAXII(path: request.url.path) {
                // TAXII clients read the specification's error resource, not a problem document.
                response = Response(status: .init(statusCode: problem.status), body: .init(string: TAXIIMedia.error(problem).serialized(pretty: true)))
                response.headers.contentType = TAXIIMedia.taxii
            } else if SiteURL.isAPI(path: request.url.path) {
                response = Response(status: .init(statusCode: problem.status))
                try response.content.encode(problem, as: .json)
                response.headers.contentType = Problem.contentType
            } else {
                response = try await ErrorPage(problem: problem, chrome: Chrome(request: request, title: problem.title))
                    .encodeResponse(status: .init(statusCode: problem.status), for: request)
            }
            if case AppError.tooManyRequests(_, let seconds) = error {
                response.headers.replaceOrAdd(name: .retryAfter, value: String(seconds))
            }
            if case AppError.unauthorized = error, SiteURL.isAPI(path: request.url.path) {
                response.headers.replaceOrAdd(name: .wwwAuthenticate,
                                              value: TAXIIMedia.isTAXII(path: request.url.path) || request.url.path.hasPrefix("/feeds/misp/")
                                                ? "Basic realm=\"renkei\", charset=\"UTF-8\"" : "Bearer realm=\"renkei\"")
            }
            return response
        }
    }

    static func problem(for error: any Error, request: Request) -> Problem {
        let status: HTTPResponseStatus
        var detail: String
        var fields: [FieldError]?
        var reason: String?
        switch error {
        case let refusal as any RuleRefusal:
            status = refusal.isAboutWho ? .forbidden : refusal.isInvalidInput ? .unprocessableEntity : .conflict
            detail = refusal.message
            fields = refusal.fieldErrors.isEmpty ? nil : refusal.fieldErrors
            reason = refusal.code
        case let error as AppError:
            status = error.status
            detail = error.detail
            fields = error.fieldErrors.isEmpty ? nil : error.fieldErrors
        case let failure as ValidationFailure:
            status = .unprocessableEntity
            detail = "\(failure.errors.count) fields are not valid."
            fields = failure.errors
        case let error as DecodingError:
            status = .badRequest
            detail = Self.describe(error)
        case let error as any AbortError:
            status = error.status
            // Reasons of server-side failures (template, database) are for the log only.
            detail = status.code >= 500 ? "Something went wrong on our side; it has been logged." : error.reason
        default:
            status = .internalServerError
            detail = "Something went wrong on our side; it has been logged."
        }
        return Problem(title: status.reasonPhrase, status: Int(status.code), detail: detail,
                       instance: request.url.path, reason: reason, errors: fields)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type). \(context.debugDescription)"
        case .valueNotFound(_, let context): return "\(path(context)): a value is required."
        case .keyNotFound(let key, let context): return "\(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue): missing."
        case .dataCorrupted(let context): return "\(path(context).isEmpty ? "body" : path(context)): \(context.debugDescription)"
        @unknown default: return "The request body could not be read."
        }
    }
}

/// One structured log line per request: method, path (without a mailed secret), status, duration.
struct RequestLogMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next.respond(to: request)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        request.logger.info("request", metadata: [
            "method": .string(request.method.rawValue),
            "path": .string(SiteURL.redactingSecret(in: request.url.path)),
            "status": .stringConvertible(response.status.code),
            "duration_ms": .string(String(format: "%.1f", milliseconds)),
            "client": .string(request.clientAddress ?? "-"),
        ])
        return response
    }
}
