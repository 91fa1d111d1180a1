import Fluent
import Foundation
import SQLiteNIO

extension Database {
    /// `transaction`, run again when SQLite refuses it as busy. A transaction begins as a read
    /// and becomes a write at its first change; if another connection committed in between (an
    /// audited read's line, say), SQLite refuses at once, without waiting, to keep the snapshot
    /// honest. Everything the attempt wrote was rolled back, so `body`, which reads what it
    /// changes inside the transaction, runs again on the new state. Inside a caller's
    /// transaction it is that transaction's part, and the caller's to run again.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        guard !inTransaction else { return try await transaction(body) }
        return try await BusyRetry.run { try await self.transaction(body) }
    }
}

/// Runs an attempt again while SQLite refuses it as busy (`Database.writeTransaction`).
enum BusyRetry {
    /// Attempts before the refusal is the caller's answer; each waits a little longer.
    static var attempts: Int { 8 }

    static func run<T>(isBusy: (any Error) -> Bool = isSQLiteBusy, _ attempt: () async throws -> T) async throws -> T {
        var tries = 1
        while true {
            do {
                return try await attempt()
            } catch where isBusy(error) && tries < attempts {
                try await Task.sleep(for: .milliseconds(2 * tries))
                tries += 1
            }
        }
    }

    static func isSQLiteBusy(_ error: any Error) -> Bool {
        guard let error = error as? SQLiteError else { return false }
        switch error.reason {
        case .busy, .busyInSnapshot, .busyTimeout, .busyInRecovery, .locked: return true
        default: return false
        }
    }
}
