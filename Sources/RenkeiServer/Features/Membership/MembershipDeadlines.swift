import Foundation
import NIOConcurrencyHelpers
import Vapor

/// While the server runs, checks every minute whether a review or a vote has closed and
/// tells the people who act next.
final class MembershipDeadlines: LifecycleHandler, Sendable {
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    let interval: Duration

    init(interval: Duration = .seconds(60)) {
        self.interval = interval
    }

    func didBootAsync(_ app: Application) async throws {
        let interval = interval
        task.withLockedValue { task in
            task = Task {
                while !Task.isCancelled {
                    do {
                        try await MembershipStore.announceDeadlines(at: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
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
