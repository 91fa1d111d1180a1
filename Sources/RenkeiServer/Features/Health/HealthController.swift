import Crypto
import Fluent
import RenkeiCore
import Vapor

struct HealthController {
    func register(_ app: Application) {
        app.get(.healthz, use: health)
        app.get(.metrics, use: metrics)
    }

    /// 200 once the server answers and the database does.
    func health(request: Request) async throws -> Response {
        _ = try await TeamModel.query(on: request.db).count()
        return Response(status: .ok, headers: ["Content-Type": "text/plain; charset=utf-8"], body: "ok\n")
    }

    /// Prometheus metrics, for the scraper only: with `RENKEI_METRICS_TOKEN` set, for whoever
    /// sends it as a bearer token; without it, for the machine itself (the connecting peer,
    /// never a forwarded address, is loopback, and the request was not forwarded).
    func metrics(request: Request) async throws -> Response {
        if let expected = request.application.renkei.settings.metricsToken {
            guard let sent = request.headers.bearerAuthorization?.token, Self.sameSecret(sent, expected) else {
                // Not AppError.unauthorized: that sends a browser to the sign-in page, and a scraper needs the 401.
                throw Abort(.unauthorized, reason: "Send the metrics token as Authorization: Bearer <token>.")
            }
        } else {
            // A reverse proxy on the same machine is a loopback peer too: what it forwards came from elsewhere.
            let forwarded = request.headers.contains(name: .xForwardedFor) || request.headers.contains(name: .forwarded)
            guard let peer = request.peerIPAddress, Self.isLoopback(peer), !forwarded else {
                throw AppError.forbidden("Metrics are served to this machine only; set RENKEI_METRICS_TOKEN to scrape them from elsewhere.")
            }
        }
        return Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                        body: .init(string: Metrics.registry.emitToString() + (try await AbuseMonitoringStore.metrics(on: request.db))))
    }

    /// Compares digests, so the time taken says nothing about how much of the token was right.
    static func sameSecret(_ sent: String, _ expected: String) -> Bool {
        let left = SHA256.hash(data: Data(sent.utf8)), right = SHA256.hash(data: Data(expected.utf8))
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func isLoopback(_ address: IPAddress) -> Bool {
        (try? IPPrefix(parsing: "127.0.0.0/8"))?.contains(address) == true || address == IPAddress("::1")
    }
}
