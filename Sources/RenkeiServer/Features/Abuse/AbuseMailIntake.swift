import Fluent
import Foundation
import RenkeiCore

/// What comes in at the abuse address (`renkei abuse receive`, `renkei mail receive --recipient
/// abuse@DOMAIN`): a reply to a notice acknowledges it, when it refers to the notice's mail
/// (`AbuseReply`) and comes from one of the team's people; any other
/// message is an abuse report (ARF or X-ARF, `AbuseMailReport`) for the feed, taken in whole
/// like a file, and the same message delivered twice is taken once.
struct AbuseMailIntake {
    var database: any Database
    var resolver: Resolver
    var now: Date

    func receive(_ bytes: [UInt8], feed: AbuseFeedModel) async throws -> MailReceiver.Outcome {
        let message = ReceivedEntity(bytes: bytes)
        if let key = AbuseReply.key(inReplyTo: message.header("In-Reply-To"), references: message.header("References")) {
            guard !AbuseReply.isAutomatic(autoSubmitted: message.header("Auto-Submitted"), precedence: message.header("Precedence")) else {
                return MailReceiver.Outcome(exit: .ok, message: "ignored: an automatic reply does not acknowledge a notice")
            }
            return try await acknowledge(message, key: key)
        }
        let report = AbuseMailReport.read(message, feed: feed.name, file: "message", notAfter: AbuseIngest.notAfter(now))
        guard !report.events.isEmpty else {
            let reason = report.errors.first.map(\.reason) ?? "the message holds no abuse report"
            return MailReceiver.Outcome(exit: .dataError, message: "not taken in: \(reason)")
        }
        let ingest = try await AbuseFeeds.ingest(feed, format: nil, resolver: resolver, on: database)
        // The message's id and body, not its header block: a message delivered again gains
        // Received lines, and another body under a copied Message-ID is another report.
        let messageID = message.header("Message-ID") ?? ""
        let identity = Array((messageID + "\n").utf8) + message.rawBody.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        let summary = try await ingest.ingest(report, fileName: messageID.isEmpty ? "message" : String(messageID.prefix(200)),
                                              digest: AbuseReportSource.digest(of: identity), on: database, now: now)
        return MailReceiver.Outcome(exit: .ok, message: "\(summary.replayed ? "taken in before; " : "")\(summary.accepted) events accepted "
                                    + "(\(summary.duplicates) duplicates), \(summary.rejected) rejected; \(summary.routed) routed, \(summary.unrouted) unrouted")
    }

    /// The sender is read from From, which anyone can write: the reply key, sent only to the
    /// notice's recipients, is what proves the reply answers the notice.
    private func acknowledge(_ message: ReceivedEntity, key: String) async throws -> MailReceiver.Outcome {
        let refused = MailReceiver.Outcome(exit: .noPermission, message: "not acknowledged: the reply names no notice of its sender's team")
        guard let notice = try await AbuseNoticeModel.query(on: database).filter(\.$replyKey == key).first(),
              let address = MailReceiver.address(in: HeaderText.decode(message.header("From") ?? "")),
              let sender = try await UserModel.query(on: database).filter(\.$email == address.lowercased()).first(),
              AbuseAccess.mayAcknowledge(noticeOf: notice.teamID, sender.actor) else { return refused }
        let already = notice.acknowledgedAt != nil
        try await AbuseStore.acknowledge(notice, by: try sender.requireID(), via: .reply, at: now, on: database)
        return MailReceiver.Outcome(exit: .ok, message: already ? "\(notice.ticket) was acknowledged before" : "\(notice.ticket) acknowledged by \(sender.email)")
    }
}
