import Foundation

/// How long a signed-in browser session lasts: it ends after `idle` without a request and, in
/// any case, `absolute` after signing in, so a stolen or forgotten session does not live forever.
public struct SessionLifetime: Sendable, Equatable {
    public var idle: TimeInterval
    public var absolute: TimeInterval

    public init(idle: TimeInterval, absolute: TimeInterval) {
        self.idle = idle
        self.absolute = absolute
    }

    /// 12 hours idle, 7 days at most (issue 12).
    public static let standard = SessionLifetime(idle: 12 * 3600, absolute: 7 * 86_400)

    public func isExpired(signedInAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= idle || now.timeIntervalSince(signedInAt) >= absolute
    }
}
