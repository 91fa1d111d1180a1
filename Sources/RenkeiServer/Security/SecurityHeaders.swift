import Vapor

/// The security headers every response carries, errors and static files included, and the last
/// guard against header injection: no header value leaves with CR, LF or NUL in it.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Pages load scripts, styles and images from this site only; no inline script or style
    /// (TLP colours are classes in `Public/css/renkei.css`), no plugins, no framing, and forms
    /// post back here only.
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// Sent when `RENKEI_PUBLIC_URL` is https.
    var strictTransportSecurity: Bool

    init(settings: Settings) {
        strictTransportSecurity = settings.publicURL.hasPrefix("https://")
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            // ProblemMiddleware answers nearly every error; this covers the few layers outside it.
            request.logger.report(error: error)
            response = Response(status: (error as? any AbortError)?.status ?? .internalServerError)
        }
        Self.apply(to: response, path: request.url.path, strictTransportSecurity: strictTransportSecurity, logger: request.logger)
        return response
    }

    static func apply(to response: Response, path: String, strictTransportSecurity: Bool, logger: Logger) {
        var headers = response.headers
        for (name, value) in headers where !isSafeHeaderValue(value) {
            logger.error("header with a control character dropped", metadata: ["header": .string(name)])
            headers.remove(name: name)
            if name.lowercased() == "location" { headers.add(name: .location, value: "/") }
        }
        if !headers.contains(name: .contentSecurityPolicy) {
            headers.add(name: .contentSecurityPolicy, value: contentSecurityPolicy)
        }
        headers.replaceOrAdd(name: .xContentTypeOptions, value: "nosniff")
        headers.replaceOrAdd(name: HTTPHeaders.Name("Referrer-Policy"), value: "same-origin")
        headers.replaceOrAdd(name: .xFrameOptions, value: "DENY")
        if !isPublic(path: path) { headers.replaceOrAdd(name: .cacheControl, value: "no-store") }
        if strictTransportSecurity { headers.replaceOrAdd(name: .strictTransportSecurity, value: "max-age=31536000") }
        response.headers = headers
    }

    /// Nothing in a header value may end the header line or the string.
    static func isSafeHeaderValue(_ value: String) -> Bool {
        !value.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 }
    }

    /// What is the same for everyone and may be kept by caches: static files, the public feed
    /// and the public keys. Everything else (pages, API answers, member feeds with tokens in
    /// their URLs, errors about them) is `no-store`.
    static func isPublic(path: String) -> Bool {
        path.hasPrefix("/css/") || path.hasPrefix("/js/")
            || [SiteURL.publicFeed.path, SiteURL.jwks.path, SiteURL.listKey.path].contains(path)
    }
}
