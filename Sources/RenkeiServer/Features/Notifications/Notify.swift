import Fluent
import Foundation
import RenkeiCore

/// Notifies people in the app and, with `mail`, by mail through the outbox, in the
/// transaction of the event. The mail is encrypted to each person's key; without one it only
/// says that something waits on the web (a notification may name restricted content).
enum Notify {
    static func people(_ userIDs: some Collection<UUID>, text: String, link: String, at now: Date, mail: MailAddressing?,
                       on database: any Database) async throws {
        for userID in userIDs {
            try await NotificationModel(userID: userID, text: text, link: link, createdAt: now).create(on: database)
        }
        guard let mail, !userIDs.isEmpty else { return }
        for user in try await UserModel.query(on: database).filter(\.$id ~~ Array(userIDs)).all() {
            try await Outbox.enqueuePersonal(to: user, subject: "notification", text: text, link: link, addressing: mail, at: now, on: database)
        }
    }
}
