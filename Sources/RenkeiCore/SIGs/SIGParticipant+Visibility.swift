import Foundation

extension SIGParticipant {
    /// Who sees a SIG's participants: those who take part, and the board, which records chairs
    /// and approves requests while a SIG has no chair. Nobody else learns who takes part.
    public static func mayList(in sig: UUID, by actor: Actor?) -> Bool {
        guard let actor else { return false }
        return AccessPolicy.takesPart(actor, in: sig) || actor.roles.contains(.board)
    }

    /// Who sees requests to join and participants' e-mail addresses: the chairs (while they take
    /// part) and the board; a plain participant sees names.
    public static func mayManage(in sig: UUID, by actor: Actor?, isChair: Bool) -> Bool {
        guard let actor else { return false }
        return (isChair && AccessPolicy.takesPart(actor, in: sig)) || actor.roles.contains(.board)
    }
}
