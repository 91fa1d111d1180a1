import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// What every response must carry (issue 12, item 10), checked on `response` for a request to `path`.
private func checkSecurityHeaders(_ response: TestingHTTPResponse, _ what: String, https: Bool = true) {
    let headers = response.headers
    let policy = headers.first(name: .contentSecurityPolicy) ?? ""
    #expect(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'")
            && policy.contains("base-uri 'none'") && policy.contains("form-action 'self'") && !policy.contains("unsafe-inline"),
            "Content-Security-Policy of \(what): \(policy)")
    #expect(headers.first(name: .xContentTypeOptions) == "nosniff", "nosniff on \(what)")
    #expect(headers.first(name: "Referrer-Policy") == "same-origin", "Referrer-Policy on \(what)")
    #expect((headers.first(name: .strictTransportSecurity) != nil) == https, "HSTS on \(what)")
    let values = headers.map(\.value)
    #expect(!values.contains { $0.utf8.contains { $0 == 0x0d || $0 == 0x0a || $0 == 0x00 } }, "CR, LF or NUL in a header of \(what)")
}

/// Public resources may be cached; everything else must not be.
private let cacheablePaths: Set<String> = ["/css/renkei.css", "/js/cvss.js", "/feeds/public.atom", "/.well-known/jwks.json", "/lists/key.asc"]

private func checkCaching(_ response: TestingHTTPResponse, path: String, _ what: String) {
    if !cacheablePaths.contains(path) {
        #expect(response.headers.first(name: .cacheControl) == "no-store", "Cache-Control of \(what)")
    }
}

extension ServerTests {
    /// Walks every GET route the application registers, anonymously and signed in as a member and
    /// as the secretariat, with plausible parameters (a 404 is fine), plus static files and errors.
    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await withRenkei { app, _ in
            let member = try await signIn(app, "member-alpha@test.example")
            let secretariat = try await signIn(app, "secretariat@test.example")
            let token = try await apiToken(app, "member-alpha@test.example")
            var itemID = UUID().uuidString
            try await app.testing().test(.POST, "/api/v1/items", headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                         body: try jsonBody(["title": "Header walk", "tlp": "TLP:AMBER+STRICT", "body": "Seen from 203.0.113.9",
                                                             "audience": ["kind": "community"]])) { response in
                if let id = try? jsonObject(response)["id"] as? String { itemID = id }
            }
            let listSlug = try await MailingListModel.query(on: app.db).first()?.slug ?? "community"
            func fill(_ route: Route) -> String {
                let isList = route.path.first?.description == "lists"
                return "/" + route.path.map { component -> String in
                    guard case .parameter(let name) = component else { return component.description }
                    switch name {
                    case SiteURL.slugKey: return isList ? listSlug : "alpha-cert"
                    case SiteURL.itemKey: return itemID
                    case SiteURL.versionKey: return "3.1"
                    case SiteURL.applicationKey, SiteURL.claimKey, SiteURL.replyKey: return UUID().uuidString
                    default: return "x"
                    }
                }.joined(separator: "/")
            }
            let paths = app.routes.all.filter { $0.method == .GET }.map(fill)
                + ["/css/renkei.css", "/js/cvss.js", "/no/such/page", "/api/v1/no-such-thing", "/feeds/member.atom?token=wrong"]
            #expect(paths.count > 40, "the walk reaches the routes")
            for path in paths {
                for (who, headers) in [("anonymous", HTTPHeaders()), ("member", member.headers), ("secretariat", secretariat.headers),
                                       ("API token", ["Authorization": "Bearer \(token)"])] {
                    try await app.testing().test(.GET, path, headers: headers) { response in
                        let what = "GET \(path) as \(who) (\(response.status.code))"
                        #expect(response.status.code < 500, "\(what)")
                        checkSecurityHeaders(response, what)
                        checkCaching(response, path: path, what)
                    }
                }
            }
            // Answers to forms and API writes, errors included.
            try await app.testing().test(.POST, "/sign-in", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: formBody([])) { response in
                #expect(response.status == .forbidden)
                checkSecurityHeaders(response, "POST /sign-in without a CSRF token")
                checkCaching(response, path: "/sign-in", "POST /sign-in")
            }
            try await app.testing().test(.POST, "/api/v1/items", headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{")) { response in
                checkSecurityHeaders(response, "anonymous POST /api/v1/items")
                checkCaching(response, path: "/api/v1/items", "POST /api/v1/items")
            }
        }
    }

    @Test func strictTransportSecurityOnlyForAnHTTPSAddress() async throws {
        try await withRenkei(adjust: { $0.publicURL = "http://renkei.test" }) { app, _ in
            for path in ["/teams", "/css/renkei.css", "/no/such/page"] {
                try await app.testing().test(.GET, path) { checkSecurityHeaders($0, "GET \(path) over http", https: false) }
            }
        }
    }

    @Test func aHeaderValueWithALineBreakNeverLeaves() {
        let response = Response(status: .seeOther, headers: ["Location": "/a\r\nSet-Cookie: x=1", "Content-Disposition": "attachment; filename=\"a\0b\""])
        SecurityHeadersMiddleware.apply(to: response, path: "/a", strictTransportSecurity: false, logger: Logger(label: "test"))
        #expect(response.headers.first(name: .location) == "/")
        #expect(response.headers.first(name: .contentDisposition) == nil)
        #expect(!response.headers.contains { $0.value.contains("\r") || $0.value.contains("\n") || $0.value.contains("\0") })
    }

    /// The CSP forbids inline script and style: templates carry none (no `style=`, no `<script>`
    /// without `src`, no `on…=` handlers, no `javascript:` links).
    @Test func templatesHaveNoInlineScriptOrStyle() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let views = root.appendingPathComponent("Resources/Views")
        let files = try FileManager.default.contentsOfDirectory(atPath: views.path).filter { $0.hasSuffix(".leaf") }
        #expect(files.count > 20)
        for file in files {
            let text = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
            for pattern in [#"\sstyle\s*="#, #"<style"#, #"<script(?![^>]*\ssrc=)"#, #"\son[a-z]+\s*="#, #"=\s*["']?\s*javascript:"#] {
                #expect(text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) == nil, "\(file) matches \(pattern)")
            }
        }
    }
}
