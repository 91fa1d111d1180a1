import Foundation
import Vapor

/// Synchroniser-token CSRF protection: each session holds a random token; every form carries
/// it in `_csrf`, and a POST without the matching token is refused.
enum CSRF {
    static let field = "_csrf"
    static let sessionKey = "csrf"

    static func token(for request: Request) -> String {
        if let existing = request.session.data[sessionKey] { return existing }
        let token = Data((0..<32).map { _ in UInt8.random(in: .min ... .max) }).base64EncodedString()
        request.session.data[sessionKey] = token
        return token
    }
}

struct CSRFMiddleware: AsyncMiddleware {
    /// Large enough for a team form with several armored PGP keys.
    static let defaultMaxFormBytes = 1 << 20

    /// The largest form body read; upload forms ask for more than the default.
    var maxFormBytes = defaultMaxFormBytes

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST {
            // Route middleware runs before Vapor collects the body; a form that arrives in
            // several reads would otherwise look as if it had no token.
            _ = try await request.body.collect(max: maxFormBytes).get()
            let sent = try? request.content.get(String.self, at: CSRF.field)
            guard let expected = request.session.data[CSRF.sessionKey], let sent,
                  Data(sent.utf8).count == Data(expected.utf8).count,
                  zip(sent.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
            else {
                throw AppError.forbidden("This form has expired or did not come from this site. Reload the page and try again.")
            }
        }
        return try await next.respond(to: request)
    }
}
