import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Work the server does by itself at an interval while it runs (deadlines, mail delivery):
/// started after boot, cancelled and awaited at shutdown. A failing round is logged and the
/// next one runs as planned. Work named `once` runs once per interval over all the servers
/// sharing the database (`JobLeases`): a server whose round another server took skips it.
final class PeriodicWork: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let interval: Duration
    private let job: String?
    private let work: @Sendable (Application) async throws -> Void

    init(every interval: Duration, once job: String? = nil, _ work: @escaping @Sendable (Application) async throws -> Void) {
        self.interval = interval
        self.job = job
        self.work = work
    }

    func didBootAsync(_ app: Application) async throws {
        let (interval, job, work) = (interval, job, work)
        let period = TimeInterval(interval.components.seconds)
        task.withLockedValue { task in
            task = Task {
                while !Task.isCancelled {
                    do {
                        if let job, try await !JobLeases.claim(job, every: period, at: app.renkei.clock.now, on: app.db) {
                            try? await Task.sleep(for: interval)
                            continue
                        }
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
    /// The server's own rounds: membership deadlines and abuse notices every minute; reachability tests every 10 minutes; the outbox every 2 seconds
    /// (when `SMTP_URL` names a relay); digests, key expiry warnings, retention (mail, abuse events) and forgetting
    /// old sign-in failures every hour. The outbox is shared by claiming deliveries
    /// (`OutboxDelivery`), the others by claiming the round (`JobLeases`).
    func usePeriodicWork() {
        // Every server, every second: what other servers changed (`DataVersions`).
        // Then the lookup tables start rebuilding if an import or a team changed them.
        lifecycle.use(PeriodicWork(every: .seconds(1)) { app in
            try await app.renkei.versions.refresh(on: app.db)
            try await app.lookup.refresh(on: app.db)
        })
        lifecycle.use(PeriodicWork(every: .seconds(60), once: "membership-deadlines") { app in
            try await MembershipStore.announceDeadlines(at: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
        })
        // Events: seats freed other than by a cancellation go to the waiting list within a
        // minute; reminders a day before; guest lists on their working day.
        lifecycle.use(PeriodicWork(every: .seconds(60), once: "event-upkeep") { app in
            let (now, mail) = (app.renkei.clock.now, app.renkei.mail)
            try await EventStore.promoteWaiting(now: now, mail: mail, on: app.db)
            try await EventStore.remind(now: now, mail: mail, on: app.db)
            try await EventStore.announceGuestLists(now: now, mail: mail, on: app.db)
        })
        // Abuse notices: every minute, each team's due batch goes to the outbox.
        lifecycle.use(PeriodicWork(every: .seconds(60), once: "abuse-notices") { app in
            _ = try await AbuseNotify(addressing: app.renkei.mail).run(flush: false, now: app.renkei.clock.now, on: app.db)
        })
        if renkei.settings.smtpRelay == nil {
            logger.warning("SMTP_URL is not set: mail waits in the outbox until a relay is configured")
        } else {
            lifecycle.use(PeriodicWork(every: .seconds(2)) { app in _ = try await MailCommand.delivery(for: app).run() })
        }
        // Reachability tests: reminders, closing a week-old campaign, the monthly campaigns.
        lifecycle.use(PeriodicWork(every: .seconds(600), once: "reachability") { app in
            try await ReachabilityStore.round(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
        })
        lifecycle.use(PeriodicWork(every: .seconds(3_600), once: "mail-upkeep") { app in
            try await MailUpkeep.run(at: app.renkei.clock.now, addressing: app.renkei.mail, on: app.db)
        })
        lifecycle.use(PeriodicWork(every: .seconds(3_600), once: "abuse-retention") { app in
            _ = try await AbuseRetentionRun.run(now: app.renkei.clock.now, on: app.db)
        })
        lifecycle.use(PeriodicWork(every: .seconds(3_600), once: "sign-in-failures") { app in
            try await app.renkei.signInThrottle.forgetOld(now: app.renkei.clock.now, on: app.db)
        })
    }
}
