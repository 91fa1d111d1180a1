import Fluent
import Foundation
import RenkeiCore

/// What comes in at the reachability address (`renkei mail receive --recipient
/// reachability@DOMAIN`): a delivery report is a bounce and an automatic reply is recorded as
/// such, both found by the challenge's Message-ID; a person's reply answers the challenge
/// whose token it carries, signed or not, encrypted to the platform's key or not. The token
/// is the proof: a team answers from whatever address its analyst uses.
struct ReachabilityMailIntake {
    var database: any Database
    var keyring: ListKeyring
    var addressing: MailAddressing
    var now: Date

    /// An answer, a bounce or a vacation notice is small; a larger message is refused unread.
    static let largestMessage = 1 << 20

    func receive(_ bytes: [UInt8]) async throws -> MailReceiver.Outcome {
        guard bytes.count <= Self.largestMessage else {
            return MailReceiver.Outcome(exit: .dataError, message: "refused: a reply to a reachability test is at most 1 MiB")
        }
        let message = ReceivedEntity(bytes: bytes)
        let bounce = ReachabilityRules.isBounce(contentType: message.header("Content-Type"))
        if bounce || AbuseReply.isAutomatic(autoSubmitted: message.header("Auto-Submitted"), precedence: message.header("Precedence")) {
            // Never answered with a bounce of our own: that is how mail loops start.
            let referred = [message.header("In-Reply-To"), message.header("References"), bounce ? message.raw : nil].compactMap { $0 }.joined(separator: " ")
            guard let (id, mail) = ReachabilityRules.challenge(in: referred, domain: addressing.domain),
                  try await ReachabilityStore.record(machineReplyTo: id, mail: mail, bounce: bounce, text: bounce ? message.plainText ?? "" : "", now: now, on: database)
            else { return MailReceiver.Outcome(exit: .ok, message: "ignored: \(bounce ? "a delivery report" : "an automatic reply") to no open test of ours") }
            return MailReceiver.Outcome(exit: .ok, message: bounce ? "bounce recorded" : "automatic reply recorded; it does not answer the test")
        }
        var content = message
        if case .encrypted(let armored) = PGPMIME.classify(message) {
            guard let (plain, _) = try? await keyring.decrypt(armored) else {
                return MailReceiver.Outcome(exit: .dataError, message: "refused: the reply could not be decrypted with the platform's key")
            }
            content = ReceivedEntity(bytes: plain)
        }
        if case .signed(let inner, _) = PGPMIME.classify(content) { content = inner }
        let text = content.plainText ?? content.decodedText
        let subject = HeaderText.decode(message.header("Subject") ?? "")
        let tokens = ReachabilityRules.tokens(in: subject + "\n" + text)
        guard !tokens.isEmpty else {
            return MailReceiver.Outcome(exit: .noPermission, message: "refused: the reply carries no reachability token (keep the “Token: rt-…” line of the test)")
        }
        var refusal = "refused: the token is unknown or was not sent to you"
        for token in tokens {
            switch try await ReachabilityStore.answer(token: token, via: "mail", text: text, now: now, on: database) {
            case .accepted(let team): return MailReceiver.Outcome(exit: .ok, message: "reachability test answered for \(team)")
            case .alreadyAnswered: refusal = "refused: this test was answered already; an answer counts once"
            case .closed: refusal = "refused: the test closed and its token expired"
            case .unknown: continue
            }
        }
        return MailReceiver.Outcome(exit: .noPermission, message: refusal)
    }
}
