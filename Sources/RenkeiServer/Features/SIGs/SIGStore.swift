import Fluent
import Foundation
import RenkeiCore
import Vapor

/// SIGs and their participants in and out of the database. Every rule is the core's
/// (`SpecialInterestGroup`, `SIGParticipant`, `SIGGuestInvitation`); each write is checked
/// again inside its transaction, moves the `sigs` counter (`SIGRegistry`) and writes its audit line.
enum SIGStore {
    /// The SIG of `slug` as `actor` may see it; one they may not see is "not found", like one that does not exist.
    static func find(slug: String, for actor: Actor?, on database: any Database) async throws -> SIGModel {
        guard let model = try await SIGModel.query(on: database).filter(\.$slug == slug.lowercased()).first(), try model.sig().isListed(to: actor) else {
            throw AppError.notFound("There is no SIG “\(slug)”.")
        }
        return model
    }

    /// The SIG a list is narrowed to (`?sig=SLUG`), if one was named; one that does not exist
    /// or is not listed to the reader is a field error, the same for both.
    static func filter(_ slug: String?, for actor: Actor?, on database: any Database) async throws -> UUID? {
        guard let slug = slug?.trimmingCharacters(in: .whitespaces), !slug.isEmpty else { return nil }
        guard let model = try await SIGModel.query(on: database).filter(\.$slug == slug.lowercased()).first(), try model.sig().isListed(to: actor) else {
            throw AppError.invalid([FieldError(field: "sig", message: "There is no SIG “\(slug)”.")])
        }
        return try model.requireID()
    }

    static func participation(of userID: UUID, in sigID: UUID, on database: any Database) async throws -> SIGParticipantModel? {
        try await SIGParticipantModel.query(on: database).filter(\.$sigID == sigID).filter(\.$userID == userID).first()
    }

    /// Whether `actor` acts as a chair of the SIG now (`SIGParticipant.actsAsChair`).
    static func isChair(_ actor: Actor, of sigID: UUID, at now: Date, on database: any Database) async throws -> Bool {
        try await participation(of: actor.userID, in: sigID, on: database)?.participant.actsAsChair(actor, at: now) ?? false
    }

    static func chairCount(of sigID: UUID, at now: Date, on database: any Database) async throws -> Int {
        try await SIGParticipantModel.query(on: database).filter(\.$sigID == sigID).filter(\.$state == SIGParticipant.State.active.rawValue)
            .filter(\.$chairUntil > now).count()
    }

    // MARK: - The SIG's life

    static func propose(slug: String, name: String, charter: SpecialInterestGroup.Charter, by acting: Acting, on database: any Database) async throws -> SpecialInterestGroup {
        let sig = try SpecialInterestGroup.propose(id: UUID(), slug: slug, name: name, charter: charter, by: acting.actor, at: acting.now)
        try await database.writeTransaction { database in
            guard try await SIGModel.query(on: database).filter(\.$slug == sig.slug).first() == nil else {
                throw AppError.invalid([FieldError(field: "slug", message: "There is already a SIG “\(sig.slug)”.")])
            }
            try await SIGModel(sig).create(on: database)
            try await DataVersions.bump(DataVersions.sigs, on: database)
            try await AuditLog.record("sig.propose", subject: "sig \(sig.slug)", detail: sig.name, actor: acting.user, address: acting.address, at: acting.now, on: database)
            try await Notify.people(try await boardMembers(on: database).compactMap(\.id), text: "\(acting.user.displayName) proposes the SIG \(sig.name); the board decides on its charter.",
                                    link: SiteURL.sig(.value(sig.slug)).path + "#board-tools", at: acting.now, mail: acting.mail, on: database)
        }
        return sig
    }

    /// A board or chair step on the SIG. The first approval of the charter opens the SIG's
    /// mailing list (its audience the SIG, its default label the charter's); retiring closes
    /// it to posts, its archive staying with the participants.
    static func apply(_ step: SpecialInterestGroup.Step, to slug: String, by acting: Acting, on database: any Database) async throws -> SpecialInterestGroup {
        try await database.writeTransaction { database in
            let model = try await find(slug: slug, for: acting.actor, on: database)
            let sig = try model.sig()
            let isChair = try await isChair(acting.actor, of: sig.id, at: acting.now, on: database)
            let next = try sig.applying(step, by: acting.actor, isChair: isChair, at: acting.now)
            try model.update(from: next)
            let detail: String
            switch step {
            case .approveCharter(let liaison):
                guard let person = try await UserModel.find(liaison, on: database), person.roleSet.contains(.board) else {
                    throw AppError.invalid([FieldError(field: "liaison", message: "The liaison is a member of the board.")])
                }
                if model.listID == nil {
                    let list = MailingList(id: UUID(), slug: "sig-\(sig.slug)", name: "\(sig.name) SIG", description: sig.charter.summary, kind: .sig,
                                           audience: .sig(sig.id), defaultLabel: sig.charter.defaultLabel, createdAt: acting.now)
                    guard try await MailingListModel.query(on: database).filter(\.$slug == list.slug).first() == nil else {
                        throw AppError.conflict("A mailing list “\(list.slug)” exists already; rename the SIG before approving it.")
                    }
                    try await MailingListModel(list).create(on: database)
                    model.listID = list.id
                }
                detail = "charter approved, liaison \(person.email), due \(TeamView.day(next.charterDue ?? acting.now))"
                if sig.status == .proposed {
                    try await Notify.people([sig.proposedBy], text: "The board approved the charter of \(sig.name): people may join it now.",
                                            link: SiteURL.sig(.value(sig.slug)).path, at: acting.now, mail: acting.mail, on: database)
                }
            case .retire(let reason):
                if let listID = model.listID, let list = try await MailingListModel.find(listID, on: database) {
                    list.endsAt = acting.now
                    try await list.save(on: database)
                }
                detail = "retired: \(reason)"
            case .amendCharter(let charter):
                if let listID = model.listID, let list = try await MailingListModel.find(listID, on: database) {
                    list.defaultTLP = charter.defaultLabel.rawValue
                    list.description = next.charter.summary
                    try await list.save(on: database)
                }
                detail = "charter amended"
            }
            try await model.save(on: database)
            try await DataVersions.bump(DataVersions.sigs, on: database)
            try await AuditLog.record("sig.\(step.auditName)", subject: "sig \(sig.slug)", detail: detail, actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
            return next
        }
    }

    // MARK: - Participation

    /// The signed-in person joins (open SIG) or asks to (moderated SIG); the chairs hear of a request.
    static func join(_ slug: String, by acting: Acting, on database: any Database) async throws -> SIGParticipant {
        try await database.writeTransaction { database in
            let model = try await find(slug: slug, for: acting.actor, on: database)
            let sig = try model.sig()
            let existing = try await participation(of: acting.actor.userID, in: sig.id, on: database)
            let context = SIGParticipant.Context(sig: sig, actor: acting.actor, actorIsChair: false, person: acting.actor,
                                                 chairCount: 0, now: acting.now)
            let participant = try SIGParticipant.join(existing: existing?.participant, in: context)
            try await save(participant, over: existing, list: model.listID, on: database)
            try await AuditLog.record("sig.\(participant.state == .active ? "join" : "request")", subject: "sig \(sig.slug)", detail: acting.user.email,
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            if participant.state == .requested {
                // While the SIG has no chair, the board decides.
                let chairs = try await chairs(of: sig.id, at: acting.now, on: database)
                try await Notify.people(chairs.isEmpty ? try await boardMembers(on: database).compactMap(\.id) : chairs,
                                        text: "\(acting.user.displayName) asks to join \(sig.name).", link: SiteURL.sig(.value(sig.slug)).path + "#requests",
                                        at: acting.now, mail: acting.mail, on: database)
            }
            return participant
        }
    }

    /// A step on `personID`'s participation: by the person (leave) or a chair (approve, decline,
    /// remove, confirm a new affiliation, seat or unseat a chair) or the board (chairs).
    static func step(_ step: SIGParticipant.Step, on personID: UUID?, in slug: String, by acting: Acting, on database: any Database) async throws -> SIGParticipant {
        try await database.writeTransaction { database in
            let model = try await find(slug: slug, for: acting.actor, on: database)
            var sig = try model.sig()
            let actorIsChair = try await isChair(acting.actor, of: sig.id, at: acting.now, on: database)
            // Who may act on others is settled before anyone is looked up: the answer must not
            // tell a stranger who takes part or has an account.
            guard personID == acting.actor.userID || actorIsChair || acting.actor.roles.contains(.board) else {
                throw SIGRefusal(.wrongRole, "Only the SIG's chairs (and the board) act on other participants.")
            }
            guard let personID, let existing = try await participation(of: personID, in: sig.id, on: database),
                  let personUser = try await UserModel.find(personID, on: database),
                  let person = try await ListStore.readers([personUser], on: database)[personID] else {
                throw AppError.notFound(SIGStore.notTakingPart)
            }
            let context = SIGParticipant.Context(sig: sig, actor: acting.actor, actorIsChair: actorIsChair,
                                                 person: person, chairCount: try await chairCount(of: sig.id, at: acting.now, on: database), now: acting.now)
            let next = try existing.participant.applying(step, in: context)
            try await save(next, over: existing, list: model.listID, on: database)
            if next.state == .ended {
                // A removed guest's other links stop working with the seat.
                try await SIGGuestInvitationModel.query(on: database).filter(\.$sigID == sig.id).filter(\.$email == personUser.email)
                    .filter(\.$acceptedAt == nil).delete()
            }
            if case .seatChair = step, sig.status == .chartered {
                sig = sig.seatingChair()
                try model.update(from: sig)
                try await model.save(on: database)
            }
            try await AuditLog.record("sig.\(step.name)", subject: "sig \(sig.slug)",
                                      detail: [personUser.email, next.reason].compactMap { $0 }.joined(separator: ": "),
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            if personID != acting.actor.userID, let text = step.notice(sig: sig.name) {
                try await Notify.people([personID], text: text, link: SiteURL.sig(.value(sig.slug)).path, at: acting.now, mail: acting.mail, on: database)
            }
            return next
        }
    }

    /// Stores a participation and keeps the list subscription with it: a person who takes
    /// part is subscribed (each post as it comes, which they may change), one who no longer
    /// does is unsubscribed.
    static func save(_ participant: SIGParticipant, over existing: SIGParticipantModel?, list listID: UUID?, on database: any Database) async throws {
        let model = existing ?? SIGParticipantModel()
        model.update(from: participant)
        try await model.save(on: database)
        try await DataVersions.bump(DataVersions.sigs, on: database)
        guard let listID else { return }
        let subscription = try await ListStore.subscription(of: participant.userID, to: listID, on: database)
        if participant.state == .active, subscription == nil {
            try await ListSubscriptionModel(listID: listID, userID: participant.userID, mode: .perMessage, createdAt: participant.changedAt).create(on: database)
        } else if participant.state != .active, let subscription {
            try await subscription.delete(on: database)
        }
    }

    /// The board's accounts: those whose roles name it (read by the roles column, not every account).
    static func boardMembers(on database: any Database) async throws -> [UserModel] {
        try await UserModel.query(on: database).filter(\.$roles ~~ Role.board.rawValue).all().filter { $0.roleSet.contains(.board) }
    }

    /// The same words whether the person has no account or takes no part.
    static let notTakingPart = "That person does not take part in the SIG."

    static func chairs(of sigID: UUID, at now: Date, on database: any Database) async throws -> [UUID] {
        try await SIGParticipantModel.query(on: database).filter(\.$sigID == sigID).filter(\.$state == SIGParticipant.State.active.rawValue)
            .filter(\.$chairUntil > now).all().map(\.userID)
    }

    // MARK: - Guests

    /// A chair invites a guest by e-mail; the link (returned, and mailed) leads to the TLP agreement.
    static func inviteGuest(_ email: String, to slug: String, by acting: Acting, publicURL: String, on database: any Database) async throws -> (SIGGuestInvitation, link: String) {
        let secret = APITokens.generate()
        let link = publicURL + SiteURL.sigInvitation(.value(secret)).path
        let invitation = try await database.writeTransaction { database in
            let model = try await find(slug: slug, for: acting.actor, on: database)
            let sig = try model.sig()
            let address = email.trimmingCharacters(in: .whitespaces).lowercased()
            var isOfMemberTeam = false
            if let user = try await UserModel.query(on: database).filter(\.$email == address).first(), let id = user.id {
                isOfMemberTeam = try await ListStore.readers([user], on: database)[id].map(AccessPolicy.isMemberOfMemberTeam) ?? false
            }
            let invitation = try SIGGuestInvitation.invite(email: email, to: sig, by: acting.actor,
                                                           actorIsChair: try await isChair(acting.actor, of: sig.id, at: acting.now, on: database),
                                                           inviteeIsOfMemberTeam: isOfMemberTeam, at: acting.now)
            let row = SIGGuestInvitationModel()
            row.sigID = sig.id
            row.email = invitation.email
            row.tokenHash = APITokens.hash(secret)
            row.invitedBy = invitation.invitedBy
            row.createdAt = acting.now
            row.expiresAt = invitation.expiresAt
            try await row.create(on: database)
            try await AuditLog.record("sig.invite-guest", subject: "sig \(sig.slug)", detail: invitation.email, actor: acting.user, address: acting.address,
                                      at: acting.now, on: database)
            if let mail = acting.mail {
                let text = """
                    \(acting.user.displayName) invites you to take part in the \(sig.name) Special Interest Group as a guest.

                    Open this link to read the group's TLP agreement and accept it: \(link)

                    The link works until \(TeamView.minute(invitation.expiresAt)) and only once.
                    """
                try await Outbox.enqueue(from: ("Renkei", mail.platformAddress), subject: "Invitation to the \(sig.name) SIG", content: .text(text),
                                         messageID: mail.messageID(), to: [Outbox.Recipient(address: invitation.email, userID: nil, form: .signed)],
                                         at: acting.now, on: database)
            }
            return invitation
        }
        return (invitation, link)
    }

    /// The invitation of a link's secret while it can still be accepted, with its SIG.
    static func pendingInvitation(secret: String, at now: Date, on database: any Database) async throws -> (SIGGuestInvitationModel, SIGModel) {
        guard let row = try await SIGGuestInvitationModel.query(on: database).filter(\.$tokenHash == APITokens.hash(secret)).first(),
              row.acceptedAt == nil, row.expiresAt > now, let sig = try await SIGModel.find(row.sigID, on: database) else {
            throw AppError.notFound("This invitation does not exist, was used, or has expired. Ask the SIG's chairs for a new one.")
        }
        return (row, sig)
    }

    /// The guest takes the seat by accepting the agreement; `user` is signed in with the invited
    /// address, or was made just now from the invitation (in the same transaction).
    static func acceptInvitation(secret: String, agreementAccepted: Bool, newAccount: (name: String, passwordHash: String)?, signedIn: UserModel?,
                                 address: String?, now: Date, on database: any Database) async throws -> (UserModel, SpecialInterestGroup) {
        try await database.writeTransaction { database in
            let (row, model) = try await pendingInvitation(secret: secret, at: now, on: database)
            let sig = try model.sig()
            let user: UserModel
            if let signedIn {
                user = signedIn
            } else if let newAccount {
                guard try await UserModel.query(on: database).filter(\.$email == row.email).first() == nil else {
                    throw AppError.conflict("There is already an account for \(row.email): sign in with it, then open the link again.")
                }
                user = UserModel(email: row.email, displayName: newAccount.name, passwordHash: newAccount.passwordHash, roles: [], teamID: nil, createdAt: now)
                try await user.create(on: database)
            } else {
                throw AppError.unauthorized("Sign in with \(row.email), or make the account, to accept.")
            }
            let userID = try user.requireID()
            guard let person = try await ListStore.readers([user], on: database)[userID] else { throw AppError.unauthorized("Sign in first.") }
            let existing = try await participation(of: userID, in: sig.id, on: database)
            let participant = try row.invitation.accept(by: person, personEmail: user.email, agreementAccepted: agreementAccepted, sig: sig,
                                                        existing: existing?.participant, at: now)
            row.acceptedAt = now
            try await row.save(on: database)
            try await save(participant, over: existing, list: model.listID, on: database)
            try await AuditLog.record("sig.guest-accept", subject: "sig \(sig.slug)", detail: "\(user.email) accepted the TLP agreement",
                                      actor: user, address: address, at: now, on: database)
            return (user, sig)
        }
    }
}

extension SpecialInterestGroup.Step {
    var auditName: String {
        switch self {
        case .approveCharter: "approve-charter"
        case .retire: "retire"
        case .amendCharter: "amend-charter"
        }
    }
}

extension SIGParticipant.Step {
    /// What the person the step is about is told, when someone else took it.
    func notice(sig: String) -> String? {
        switch self {
        case .approve: "Your request to join \(sig) was approved."
        case .decline(let reason): "Your request to join \(sig) was declined: \(reason.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .remove(let reason): "You no longer take part in \(sig): \(reason.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .confirmAffiliation: "The chairs of \(sig) confirmed your participation for your team."
        case .seatChair: "You now chair \(sig)."
        case .unseatChair: "You no longer chair \(sig)."
        case .join, .leave: nil
        }
    }
}
