import Fluent
import Foundation
import RenkeiCore
import Vapor

/// `renkei mail bench --teams N --per-team M --keys DIR`: the fan-out benchmark. In an empty
/// data directory it makes N member teams of M people, each person with their own public key
/// from DIR (`*.asc`, one key a file) and subscribed to `members`; then posts one TLP:AMBER
/// announcement to the list (timing how long queuing the mail takes) and delivers the outbox
/// through `SMTP_URL` (timing the messages per second). Keys are stored as given, without
/// GnuPG reading each (that is the account page's work, not the benchmark's).
struct MailBenchmark {
    var teams: Int
    var perTeam: Int
    var keysDirectory: String

    func run(app: Application, console: any Console) async throws {
        guard try await TeamModel.query(on: app.db).count() == 0 else {
            throw UsageError(message: "the benchmark makes its own teams: run it with an empty RENKEI_DATA_DIR")
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: keysDirectory)) ?? []).filter { $0.hasSuffix(".asc") }.sorted()
        guard files.count >= teams * perTeam else {
            throw UsageError(message: "\(keysDirectory) holds \(files.count) keys (*.asc); \(teams * perTeam) are needed")
        }
        let now = Date()
        var teamModels: [TeamModel] = []
        for index in 0..<teams {
            let slug = String(format: "bench-%04d", index)
            let record = TeamRecord(slug: slug, shortName: slug, officialName: "Benchmark team \(index)", countryCode: "JP", email: "cert@\(slug).example",
                                    memberType: .fullMember, memberSince: "2020-01-01")
            teamModels.append(TeamModel(id: UUID(), record: record, modifiedAt: now, modifiedBy: "bench"))
        }
        var users: [UserModel] = []
        for (index, file) in files.prefix(teams * perTeam).enumerated() {
            let team = teamModels[index / perTeam]
            let user = UserModel(id: UUID(), email: "r\(index % perTeam)@\(team.slug).example", displayName: "Recipient \(index)", passwordHash: "!",
                                 roles: [.member], teamID: team.id, createdAt: now)
            user.pgpKey = try String(contentsOfFile: keysDirectory + "/" + file, encoding: .utf8)
            users.append(user)
        }
        let list = try await ListStore.require(slug: "members", on: app.db)
        let subscriptions = users.map { ListSubscriptionModel(listID: list.id, userID: $0.id!, mode: .perMessage, createdAt: now) }
        try await app.db.transaction { [teamModels, users] database in
            try await teamModels.create(on: database, inBatchesOf: 200)
            try await DataVersions.bump(DataVersions.directory, on: database)
            try await users.create(on: database, inBatchesOf: 200)
            try await subscriptions.create(on: database, inBatchesOf: 200)
        }
        console.print("made \(teams) teams and \(users.count) subscribers with their own keys")

        let clock = ContinuousClock()
        let draft = SharedItemDraft(title: "Benchmark advisory", body: "Indicators: 198.51.100.23, CVE-2026-0001. Patch now.", tlp: .amber,
                                    audience: list.audience)
        let queuing = clock.now
        let item = try await SharedItemStore.create(draft, by: users[0], address: "bench", at: Date(), resolver: nil, mail: app.renkei.mail, list: list,
                                                    on: app.db)
        let queued = clock.now - queuing
        let deliveries = try await MailDeliveryModel.query(on: app.db).filter(\.$state == MailDeliveryModel.State.queued.rawValue).count()
        console.print(String(format: "queued %d messages for one TLP:AMBER post in %.3f s", deliveries, seconds(queued)))

        let delivering = clock.now
        let report = try await MailCommand.delivery(for: app).run()
        let delivered = seconds(clock.now - delivering)
        let signed = try await MailMessageModel.query(on: app.db).filter(\.$itemID == item.id).all().filter { $0.signedEntity != nil }.count
        console.print(String(format: "delivered %d (deferred %d, failed %d) in %.2f s: %.0f messages/s, %d signature(s) for the post",
                             report.sent, report.deferred, report.failed, delivered, Double(report.sent) / max(delivered, 0.001), signed))
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
