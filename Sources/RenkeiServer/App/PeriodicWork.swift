import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Work the server does by itself at an interval while it runs (deadlines, mail delivery):
/// started after boot, cancelled and awaited at shutdown. A failing round is logged and the
/// next one runs as planned.
final class PeriodicWork: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let interval: Duration
    private let work: @Sendable (Application) async throws -> Void

    init(every interval: Duration, _ work: @escaping @Sendable (Application) async throws -> Void) {
        self.interval = interval
        self.work = work
    }

    func didBootAsync(_ app: Application) async throws {
        let (interval, work) = (interval, work)
        task.withLockedValue { task in
            task = Task {
                while !Task.isCancelled {
                    do {
                        try await work(app)
                    } catch {
                        app.logger.report(error: error)
                    }
                    try? await Task.sleep(for: interval)
                }
            }
        }
    }

    func shutdownAsync(_ app: Application) async {
        let running = task.withLockedValue { task in
            defer { task = nil }
            return task
        }
        running?.cancel()
        await running?.value
    }
}

extension Application {
    /// The server's own rounds: membership deadlines every minute; the outbox every 2 seconds
    /// (when `SMTP_URL` names a relay); digests and key expiry warnings every hour.
    func usePeriodicWork() {
        lifecycle.use(PeriodicWork(every: .seconds(60)) { app in
            try await MembershipStore.announceDeadlines(at: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
        })
        if renkei.settings.smtpRelay == nil {
            logger.warning("SMTP_URL is not set: mail waits in the outbox until a relay is configured")
        } else {
            lifecycle.use(PeriodicWork(every: .seconds(2)) { app in _ = try await MailCommand.delivery(for: app).run() })
        }
        lifecycle.use(PeriodicWork(every: .seconds(3_600)) { app in
            try await MailUpkeep.run(at: app.renkei.clock.now, addressing: app.renkei.mail, on: app.db)
        })
    }
}
