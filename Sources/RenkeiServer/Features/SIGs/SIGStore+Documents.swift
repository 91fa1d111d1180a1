import Fluent
import Foundation
import RenkeiCore
import SQLKit
import Vapor

/// A SIG's documents and meetings. Documents are listed by the database as far as
/// `SIGDocument.visibility` opens them, and each is checked with `isReadable` on its way out.
extension SIGStore {
    static func document(_ id: UUID, in sig: SpecialInterestGroup, readBy actor: Actor?, on database: any Database) async throws -> SIGDocument {
        guard let model = try await SIGDocumentModel.find(id, on: database), model.sigID == sig.id else {
            throw AppError.notFound("There is no such document.")
        }
        let versions = try await SIGDocumentVersionModel.query(on: database).filter(\.$documentID == id).sort(\.$number).all().map(\.version)
        guard !versions.isEmpty else { throw AppError.notFound("There is no such document.") }
        let document = SIGDocument(id: id, sigID: sig.id, state: SIGDocument.State(rawValue: model.state) ?? .draft, publishedAt: model.publishedAt,
                                   versions: versions)
        guard document.isReadable(by: actor) else { throw AppError.notFound("There is no such document.") }
        return document
    }

    /// A document in a list: its current title, label and state.
    struct DocumentSummary: Sendable {
        var id: UUID
        var title: String
        var tlp: TLPLabel
        var state: SIGDocument.State
        var updatedAt: Date
    }

    /// One page of the SIG's documents `actor` reads, last changed first.
    static func documents(in sig: SpecialInterestGroup, readBy actor: Actor?, page: PageRequest, on database: any Database) async throws -> Page<DocumentSummary> {
        let visibility = SIGDocument.visibility(in: sig.id, to: actor)
        let query = SIGDocumentModel.query(on: database).filter(\.$sigID == sig.id)
        query.group(.or) { group in
            if visibility.drafts { group.filter(\.$state == SIGDocument.State.draft.rawValue) }
            group.group(.and) { published in
                published.filter(\.$state == SIGDocument.State.published.rawValue)
                published.filter(\.$tlp ~~ visibility.publishedLabels.map(\.rawValue))
            }
        }
        let rows = try await query.keyset(\.$updatedAt, after: page.after).limit(page.limit + 1).all()
        let found = try Page(probing: rows, limit: page.limit, by: \.$updatedAt)
        let summaries = try found.items.map { model in
            DocumentSummary(id: try model.requireID(), title: model.title, tlp: TLPLabel(rawValue: model.tlp) ?? .amberStrict,
                            state: SIGDocument.State(rawValue: model.state) ?? .draft, updatedAt: model.updatedAt)
        }
        // The query's filter, checked again by the rule itself.
        return Page(items: summaries.filter { summary in
            summary.state == .draft ? visibility.drafts : visibility.publishedLabels.contains(summary.tlp)
        }, next: found.next)
    }

    /// A participant writes a new draft, or a new version of a document; a chair publishes one.
    enum DocumentChange: Sendable {
        case draft(title: String, body: String, tlp: TLPLabel)
        case revise(UUID, title: String, body: String, tlp: TLPLabel)
        /// Publishes the document as of the version the chair read.
        case publish(UUID, version: Int)
    }

    static func change(_ change: DocumentChange, in slug: String, by acting: Acting, on database: any Database) async throws -> SIGDocument {
        try await database.writeTransaction { database in
            let sig = try await find(slug: slug, for: acting.actor, on: database).sig()
            let document: SIGDocument
            let action: String
            switch change {
            case .draft(let title, let body, let tlp):
                document = try SIGDocument.draft(id: UUID(), in: sig, title: title, body: body, tlp: tlp, by: acting.actor, at: acting.now)
                let model = SIGDocumentModel()
                model.id = document.id
                model.sigID = sig.id
                try await write(document, into: model, on: database)
                action = "sig.document-draft"
            case .revise(let id, let title, let body, let tlp):
                let current = try await Self.document(id, in: sig, readBy: acting.actor, on: database)
                document = try current.revised(in: sig, title: title, body: body, tlp: tlp, by: acting.actor,
                                               actorIsChair: try await isChair(acting.actor, of: sig.id, at: acting.now, on: database), at: acting.now)
                try await write(document, into: try await SIGDocumentModel.find(id, on: database)!, on: database)
                action = "sig.document-revise"
            case .publish(let id, let version):
                let current = try await Self.document(id, in: sig, readBy: acting.actor, on: database)
                document = try current.published(version: version, in: sig, by: acting.actor, actorIsChair: try await isChair(acting.actor, of: sig.id, at: acting.now, on: database),
                                                 at: acting.now)
                try await write(document, into: try await SIGDocumentModel.find(id, on: database)!, on: database)
                action = "sig.document-publish"
            }
            try await AuditLog.record(action, subject: "sig \(sig.slug)", detail: "document \(document.id.uuidString) v\(document.versions.count), \(document.tlp.text)",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            return document
        }
    }

    /// Writes the document's state and its newest version (the earlier ones are never changed).
    private static func write(_ document: SIGDocument, into model: SIGDocumentModel, on database: any Database) async throws {
        let isNewVersion = try await SIGDocumentVersionModel.query(on: database).filter(\.$documentID == document.id)
            .filter(\.$number == document.current.number).first() == nil
        model.state = document.state.rawValue
        model.title = document.title
        model.tlp = document.tlp.rawValue
        model.publishedAt = document.publishedAt
        model.updatedAt = document.state == .published && !isNewVersion ? (document.publishedAt ?? document.current.editedAt) : document.current.editedAt
        try await model.save(on: database)
        if isNewVersion { try await SIGDocumentVersionModel(documentID: document.id, document.current).create(on: database) }
    }

    // MARK: - Meetings

    /// One page of the SIG's meetings, latest first: for its participants only.
    static func meetings(in sig: SpecialInterestGroup, readBy actor: Actor?, page: PageRequest, on database: any Database) async throws -> Page<SIGMeeting> {
        guard let actor, AccessPolicy.takesPart(actor, in: sig.id) else { return Page(items: [], next: nil) }
        let query = SIGMeetingModel.query(on: database).filter(\.$sigID == sig.id)
        let rows = try await query.keyset(\.$startsAt, after: page.after).limit(page.limit + 1).all()
        let found = try Page(probing: rows, limit: page.limit, by: \.$startsAt)
        return Page(items: found.items.map(\.meeting), next: found.next)
    }

    static func planMeeting(in slug: String, title: String, startsAt: Date?, timeZone: String, location: String, agenda: String, by acting: Acting,
                            on database: any Database) async throws -> SIGMeeting {
        try await database.writeTransaction { database in
            let sig = try await find(slug: slug, for: acting.actor, on: database).sig()
            let meeting = try SIGMeeting.plan(id: UUID(), in: sig, title: title, startsAt: startsAt, timeZone: timeZone, location: location, agenda: agenda,
                                              actorIsChair: try await isChair(acting.actor, of: sig.id, at: acting.now, on: database))
            try await SIGMeetingModel(meeting).create(on: database)
            // The log names the meeting by id: its title belongs to the SIG's space, which the
            // secretariat reading the log does not read.
            try await AuditLog.record("sig.meeting-plan", subject: "sig \(sig.slug)", detail: "meeting \(meeting.id.uuidString) at \(TeamView.minute(meeting.startsAt))",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
            return meeting
        }
    }

    /// A chair names the document that holds a meeting's minutes (one of the SIG's).
    static func setMinutes(of meetingID: UUID, to documentID: UUID, in slug: String, by acting: Acting, on database: any Database) async throws {
        try await database.writeTransaction { database in
            let sig = try await find(slug: slug, for: acting.actor, on: database).sig()
            guard try await isChair(acting.actor, of: sig.id, at: acting.now, on: database) else {
                throw SIGRefusal(.wrongRole, "Only the SIG's chairs record a meeting's minutes.")
            }
            guard sig.isOpenForWork else { throw SIGRefusal(.wrongState, "\(sig.name) is \(sig.status.rawValue).") }
            guard let meeting = try await SIGMeetingModel.find(meetingID, on: database), meeting.sigID == sig.id else { throw AppError.notFound("There is no such meeting.") }
            _ = try await document(documentID, in: sig, readBy: acting.actor, on: database)
            meeting.minutesDocumentID = documentID
            try await meeting.save(on: database)
            try await AuditLog.record("sig.meeting-minutes", subject: "sig \(sig.slug)", detail: "meeting \(try meeting.requireID().uuidString): document \(documentID.uuidString)",
                                      actor: acting.user, address: acting.address, at: acting.now, on: database)
        }
    }

    // MARK: - Participants

    /// One page of a SIG's participants (or, with `state`, of its requests), for those who
    /// take part and the board: in order of their rows.
    static func participants(of sig: SpecialInterestGroup, state: SIGParticipant.State, page: PageRequest, on database: any Database) async throws -> Page<(SIGParticipant, UserModel)> {
        let query = SIGParticipantModel.query(on: database).filter(\.$sigID == sig.id).filter(\.$state == state.rawValue)
        if let cursor = page.after {
            guard let id = cursor.uuid else {
                throw ValidationFailure([FieldError(field: "cursor", message: "The cursor is not one this list gave out; start again from the first page.")])
            }
            query.filter(\.$id > id)
        }
        let rows = try await query.sort(\.$id).limit(page.limit + 1).all()
        let users = try await UserModel.query(on: database).filter(\.$id ~~ rows.map(\.userID)).all()
        let byID = Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
        let found = Page(probing: rows, limit: page.limit) { PageCursor(key: "", id: $0.id?.uuidString ?? "") }
        return Page(items: found.items.compactMap { row in byID[row.userID].map { (row.participant, $0) } }, next: found.next)
    }
}
