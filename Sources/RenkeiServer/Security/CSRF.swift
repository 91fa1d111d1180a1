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

    /// More fields than any form of ours has (a SIM3 profile has 90); Vapor's form parser takes
    /// time growing with the square of the fields under one name, so more are refused unread.
    static let maxFormFields = 2_000

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .POST {
            // Without a token in the session no form can match: refused before the body is read.
            guard let expected = request.session.data[CSRF.sessionKey] else { throw Self.refusal }
            // Route middleware runs before Vapor collects the body; a form that arrives in
            // several reads would otherwise look as if it had no token.
            let body = try await request.body.collect(max: maxFormBytes).get()
            let sent: String?
            if request.headers.contentType == .urlEncodedForm {
                sent = try body.flatMap { try Self.token(inURLEncoded: $0) }
            } else {
                sent = try? request.content.get(String.self, at: CSRF.field)
            }
            guard let sent,
                  Data(sent.utf8).count == Data(expected.utf8).count,
                  zip(sent.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
            else { throw Self.refusal }
        }
        return try await next.respond(to: request)
    }

    private static let refusal = AppError.forbidden("This form has expired or did not come from this site. Reload the page and try again.")

    /// The `_csrf` field of a URL-encoded form, read without parsing the rest; a form with more
    /// than `maxFormFields` fields is refused.
    static func token(inURLEncoded body: ByteBuffer) throws -> String? {
        let bytes = body.readableBytesView
        guard bytes.count(where: { $0 == UInt8(ascii: "&") }) < maxFormFields else {
            throw AppError.payloadTooLarge("A form may have at most \(maxFormFields.formatted()) fields.")
        }
        let name = Array((CSRF.field + "=").utf8)
        for field in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) where field.starts(with: name) {
            let value = String(decoding: field.dropFirst(name.count), as: UTF8.self).replacingOccurrences(of: "+", with: " ")
            return value.removingPercentEncoding
        }
        return nil
    }
}
