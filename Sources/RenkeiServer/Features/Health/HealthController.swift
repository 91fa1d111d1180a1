import Fluent
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

    func metrics(request: Request) async throws -> Response {
        Response(status: .ok, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(string: Metrics.registry.emitToString()))
    }
}
