import Fluent
import Foundation
import RenkeiCore
import SQLKit

/// Builds the batch notices that are due (`renkei abuse notify`, the server's periodic work):
/// for each team with events waiting, by its preference (`AbusePreference.isDue`), marks
/// the waiting events of the types it wants as carried by a new notice (those of the types it
/// leaves out as not wanted, so they stop waiting) and queues the mail,
/// in one transaction: an event is in exactly one notice, and a notice is queued exactly once,
/// whatever stops the process. The mail goes to the team's people, each in the form the
/// notice's label allows them (`DeliveryForm`): signed, encrypted to their key, or only a link.
struct AbuseNotify: Sendable {
    var addressing: MailAddressing
    /// Events per notice: a larger backlog goes as several notices, so no attachment is unbounded.
    var eventsPerNotice = 50_000

    struct Report: Codable, Sendable, Equatable {
        var notices = 0
        var events = 0
        var tickets: [String] = []
    }

    func run(flush: Bool, now: Date = Date(), on database: any Database) async throws -> Report {
        guard let sql = database as? any SQLDatabase else { return Report() }
        let waiting = try await sql.raw("""
            SELECT e.team_id AS team_id, MIN(i.created_at) AS since FROM abuse_events e JOIN abuse_ingests i ON i.id = e.ingest_id
            WHERE e.notice_id IS NULL AND e.team_id IS NOT NULL AND e.status = \(literal: AbuseEventTable.Status.open.rawValue)
            GROUP BY e.team_id
            """).all()
        var report = Report()
        for row in waiting {
            let team = try row.decode(column: "team_id", as: UUID.self)
            let since = try row.decode(column: "since", as: Date.self)
            let preference = try await AbusePreferenceModel.find(team, on: database)?.preference ?? .standard
            let last = try await AbuseNoticeModel.query(on: database).filter(\.$teamID == team).sort(\.$createdAt, .descending).first()
            guard preference.isDue(lastNoticeAt: last.map { Int64($0.createdAt.timeIntervalSince1970) }, oldestWaiting: Int64(since.timeIntervalSince1970),
                                   now: Int64(now.timeIntervalSince1970), flush: flush) else { continue }
            while let notice = try await oneNotice(team: team, preference: preference, now: now, on: database) {
                report.notices += 1
                report.events += notice.events
                report.tickets.append(notice.ticket)
            }
        }
        return report
    }

    /// One notice in its own transaction; a ticket drawn twice (one in a billion a day) is drawn again.
    private func oneNotice(team: UUID, preference: AbusePreference, now: Date, on database: any Database) async throws -> AbuseNoticeModel? {
        for attempt in 1...3 {
            do {
                return try await database.transaction { try await self.notice(team: team, preference: preference, now: now, on: $0) }
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 3 {
                continue
            }
        }
        return nil
    }

    /// One notice of up to `eventsPerNotice` waiting events, or nil when none waits.
    private func notice(team teamID: UUID, preference: AbusePreference, now: Date, on database: any Database) async throws -> AbuseNoticeModel? {
        guard let sql = database as? any SQLDatabase, let team = try await TeamModel.find(teamID, on: database) else { return nil }
        let id = UUID()
        let open = AbuseEventTable.Status.open.rawValue
        if !preference.types.isEmpty {
            // Types are the vocabulary's own words ([a-z-]).
            let wanted = preference.types.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")
            try await sql.raw("""
                UPDATE abuse_events SET status = \(literal: AbuseEventTable.Status.notWanted.rawValue)
                WHERE team_id = \(bind: teamID) AND notice_id IS NULL AND status = \(literal: open) AND type NOT IN (\(unsafeRaw: wanted))
                """).run()
        }
        // The notice row first: the events point to it.
        let model = AbuseNoticeModel(id: id, ticket: AbuseNotice.ticket(at: Int64(now.timeIntervalSince1970), serial: .random(in: 0...UInt32.max)),
                                     teamID: teamID, tlp: .default, events: 0, createdAt: now)
        model.replyKey = Hex.lowercase((0..<16).map { _ in UInt8.random(in: 0...255) })
        try await model.create(on: database)
        try await sql.raw("""
            UPDATE abuse_events SET notice_id = \(bind: id) WHERE id IN (
                SELECT id FROM abuse_events WHERE team_id = \(bind: teamID) AND notice_id IS NULL AND status = \(literal: open)
                ORDER BY id LIMIT \(literal: eventsPerNotice)) AND notice_id IS NULL
            """).run()
        let rows = try await AbuseStore.noticeRows(id, on: sql)
        guard !rows.isEmpty else {
            try await model.delete(on: database)
            return nil
        }
        let feeds = try await AbuseFeedModel.query(on: database).filter(\.$name ~~ Set(rows.map(\.feed))).all()
        model.tlp = AbuseNotice.tlp(of: feeds.map(\.label)).rawValue
        model.events = rows.count
        try await model.save(on: database)
        var perFeed: [String: Int] = [:]
        for row in rows { perFeed[row.feed, default: 0] += 1 }
        for (feed, events) in perFeed {
            try await sql.raw("INSERT INTO abuse_notice_feeds (notice_id, feed, events) VALUES (\(bind: id), \(bind: feed), \(literal: events))").run()
        }
        try await enqueue(model, rows: rows, team: team, attachment: preference.attachment, now: now, on: database)
        return model
    }

    private func enqueue(_ notice: AbuseNoticeModel, rows: [AbuseNoticeRow], team: TeamModel, attachment: AbuseAttachment, now: Date,
                         on database: any Database) async throws {
        var counts: [AbuseType: Int] = [:]
        for row in rows { counts[row.type, default: 0] += 1 }
        let ordered = counts.sorted { $0.value == $1.value ? $0.key.rawValue < $1.key.rawValue : $0.value > $1.value }.map { (type: $0.key, events: $0.value) }
        let link = addressing.publicURL + SiteURL.abuseNotice(.value(notice.ticket)).path
        let label = notice.label
        let subject = "Renkei: \(notice.ticket), \(rows.count) abuse event\(rows.count == 1 ? "" : "s") for \(team.shortName) (\(label.text))"
        let full = MIMEPart.multipart("mixed", parts: [
            .text(AbuseNotice.text(ticket: notice.ticket, team: team.shortName, tlp: label, counts: ordered, link: link, attachment: attachment)),
            attachment == .xarf
                ? .attachment(fileName: "\(notice.ticket).xarf.json", contentType: "application/json",
                              bytes: Array(AbuseNotice.xarf(rows, ticket: notice.ticket, sender: addressing.xarfSender).utf8))
                : .attachment(fileName: "\(notice.ticket).csv", contentType: "text/csv; charset=utf-8", bytes: Array(AbuseNotice.csv(rows).utf8)),
        ])
        let pointer = MIMEPart.text("\(label.text)\n\nTicket \(notice.ticket): \(rows.count) abuse event\(rows.count == 1 ? "" : "s") for \(team.shortName) wait on the web:\n\(link)\n\n"
            + "With a PGP key on your account, these notices would come with the events, encrypted to you: \(addressing.publicURL)\(SiteURL.account.path)\n")
        let people = try await UserModel.query(on: database).filter(\.$team.$id == notice.teamID).all()
        var recipients: [DeliveryForm: [Outbox.Recipient]] = [:]
        for person in people {
            let form = DeliveryForm.form(for: label, key: person.keyHealth(at: now))
            recipients[form, default: []].append(Outbox.Recipient(address: person.email, userID: try person.requireID(), form: form))
        }
        if people.isEmpty, !team.record.email.isEmpty {
            // Nobody of the team has an account: its published address, which has no key here.
            let form = DeliveryForm.form(for: label, key: KeyHealth(expires: nil, hasKey: false, at: now))
            recipients[form] = [Outbox.Recipient(address: team.record.email, userID: nil, form: form)]
        }
        let sender = ("Renkei abuse desk", addressing.platformAddress)
        // A reply goes to the abuse desk, and its In-Reply-To names the notice (`AbuseReply`).
        let headers = [("X-Renkei-Ticket", notice.ticket), ("Reply-To", addressing.abuseAddress)]
        let key = notice.replyKey ?? ""
        let readable = (recipients[.signed] ?? []) + (recipients[.encrypted] ?? [])
        try await Outbox.enqueue(from: sender, subject: subject, content: full, extraHeaders: headers,
                                 messageID: AbuseReply.messageID(key: key, part: "full", domain: addressing.domain), to: readable, at: now, on: database)
        try await Outbox.enqueue(from: sender, subject: subject, content: pointer, extraHeaders: headers,
                                 messageID: AbuseReply.messageID(key: key, part: "link", domain: addressing.domain), to: recipients[.notice] ?? [],
                                 at: now, on: database)
    }
}
