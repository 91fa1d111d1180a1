import Foundation
import RenkeiCore
import Vapor

/// Who takes a step in a store (SIGs, events): the account, as the access rule sees it, the
/// instant, where the request came from (nil from the command line) and how mail is addressed.
struct Acting: Sendable {
    var user: UserModel
    var actor: Actor
    var address: String?
    var now: Date
    var mail: MailAddressing?

    init(user: UserModel, actor: Actor, address: String?, now: Date, mail: MailAddressing?) {
        self.user = user
        self.actor = actor
        self.address = address
        self.now = now
        self.mail = mail
    }

    init(_ request: Request) throws {
        let user = try request.requireUser()
        guard let actor = request.currentActor else { throw AppError.unauthorized("Sign in first.") }
        self.init(user: user, actor: actor, address: request.clientAddress, now: request.application.renkei.clock.now, mail: request.application.renkei.mail)
    }
}
