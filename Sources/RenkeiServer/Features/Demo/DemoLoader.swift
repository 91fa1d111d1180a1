import Fluent
import Foundation
import RenkeiCore
import Vapor

/// Loads the fictional demo network and its accounts into an empty directory.
enum DemoLoader {
    static func isLoaded(on database: any Database) async throws -> Bool {
        guard let marker = DemoNetwork.accounts.first?.email else { return false }
        return try await UserModel.query(on: database).filter(\.$email == marker).count() > 0
    }

    static func load(on database: any Database, hasher: AsyncPasswordHasher, lookup: LookupService, mail: MailAddressing, logger: Logger) async throws {
        let teams = DemoNetwork.teams()
        let passwordHashes = try await hashPasswords(hasher)
        try await database.transaction { database in
            let directory = try await loadDirectory(teams, passwordHashes: passwordHashes, on: database)
            let users = directory.users
            for announcement in DemoNetwork.announcements {
                let draft = SharedItemDraft(title: announcement.title, body: announcement.body, tags: announcement.tags, tlp: announcement.tlp,
                                            audience: directory.audience(announcement.to))
                _ = try await SharedItemStore.create(draft, by: users[announcement.author]!, address: "demo", at: Date(), resolver: nil, mail: nil, on: database)
            }
            let holder = users["rep@renkei-demo.example"]!
            var holderActor = holder.actor
            holderActor.teamStatus = .active
            for sample in DemoNetwork.samples {
                let artifact = try Artifact.uploaded(sample.content, name: sample.name, id: UUID(), tlp: sample.tlp, audience: directory.audience(sample.to),
                                                     by: holderActor, at: Date())
                try await ArtifactModel(artifact).create(on: database)
                try await ArtifactSampleModel(sha256: artifact.sha256, content: Data(sample.content)).create(on: database)
            }
            try await loadRequests(directory, resolver: try await lookup.resolver(on: database), on: database)
            try await loadRequestHistory(directory, on: database)
            try await loadReachability(teams, directory: directory, on: database)
            try await loadSIGs(directory, passwordHashes: passwordHashes, on: database)
            try await loadEvents(directory, on: database)
        }
        try await loadRegistry(teams, on: database)
        try await loadAbuse(resolver: try await lookup.upToDateResolver(on: database), mail: mail, on: database)
        logger.notice("Loaded the fictional demo network: \(teams.count) teams.")
    }

    /// The demo's registry and routing data (`DemoNetwork.registryFiles`), imported as an
    /// operator imports the RIRs' and the routing table's files.
    private static func loadRegistry(_ teams: [TeamRecord], on database: any Database) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("renkei-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (registration, routing) = DemoNetwork.registryFiles(teams)
        for (kind, name, text) in [(DatasetKind.rir, "delegated-demo-extended", registration), (.pfx2as, "routeviews-demo.pfx2as", routing)] {
            let file = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: file)
            _ = try await DatasetImport.run(kind: kind, files: [file.path], keep: 1, database: database)
        }
    }

    /// The demo's feeds and a week of their events, a day's report at a time through the same
    /// ingest as any report, then each team's notice queued in the outbox (sent when SMTP_URL
    /// names a relay).
    private static func loadAbuse(resolver: Resolver, mail: MailAddressing, on database: any Database) async throws {
        let now = Date()
        for daysBefore in (0..<7).reversed() {
            try await loadAbuseDay(daysBefore, now: now, resolver: resolver, on: database)
        }
        _ = try await AbuseNotify(addressing: mail).run(flush: true, now: now, on: database)
    }

    private static func loadAbuseDay(_ daysBefore: Int, now: Date, resolver: Resolver, on database: any Database) async throws {
        let end = Int64(now.timeIntervalSince1970) - Int64(daysBefore) * 86_400
        for demo in DemoNetwork.abuseFeeds(endingAt: end, daysBefore: daysBefore) {
            let feed: AbuseFeedModel
            if let existing = try await AbuseFeeds.named(demo.name, on: database) {
                feed = existing
            } else {
                feed = AbuseFeedModel(name: demo.name, description: demo.description, format: demo.format, tlp: demo.tlp, retentionDays: 30, createdAt: now)
                try await feed.create(on: database)
            }
            let bytes = Array(demo.report.utf8)
            _ = try await AbuseFeeds.ingest(feed, format: demo.format, resolver: resolver, on: database)
                .ingest(AbuseReportSource(bytes: bytes), fileName: "\(demo.name)-demo-\(AbuseMonitoring.date(AbuseMonitoring.day(end)))",
                        digest: AbuseReportSource.digest(of: bytes), on: database, now: now)
        }
    }

    /// The demo accounts' password hashes by e-mail address, made before a transaction opens.
    static func hashPasswords(_ hasher: AsyncPasswordHasher) async throws -> [String: String] {
        var hashes: [String: String] = [:]
        for account in DemoNetwork.accounts + DemoNetwork.sigChairs {
            hashes[account.email] = try await hasher.hash(account.password)
        }
        return hashes
    }

    /// Into an empty directory: `teams` (which hold the demo accounts' teams), the demo
    /// accounts, the application waiting for its sponsor and the members' list subscriptions.
    /// `renkei demo scale` shares this with the demo (`ScaleLoader`).
    static func loadDirectory(_ teams: [TeamRecord], passwordHashes: [String: String], on database: any Database) async throws -> DemoDirectory {
        if try await TeamModel.query(on: database).count() > 0 {
            throw AppError.conflict("The directory already holds teams; the demo network loads only into an empty one.")
        }
        let author = ChangeAuthor(userID: nil, name: "Demo loader", channel: "cli")
        var ids: [String: UUID] = [:]
        for record in teams {
            let model = try await TeamWrites.save(try record.validated(), existing: nil, author: author, on: database)
            ids[record.slug] = try model.requireID()
        }
        for (slug, membership) in DemoNetwork.departures(teams) {
            try await MembershipStatusModel(teamID: ids[slug]!, membership: membership).create(on: database)
        }
        for (slug, versions) in DemoNetwork.sim3Profiles(teams) {
            for version in versions {
                let profile = SIM3Profile(teamID: ids[slug]!, assessment: version.assessment, visibility: version.visibility,
                                          updatedAt: Date().addingTimeInterval(-Double(version.yearsAgo) * 365 * 86_400))
                try await SIM3ProfileVersionModel(profile, by: "Demo loader").create(on: database)
                if version.yearsAgo == 0 { try await SIM3ProfileModel(profile, by: "Demo loader").create(on: database) }
            }
        }
        var users: [String: UserModel] = [:]
        for account in DemoNetwork.accounts {
            let user = UserModel(email: account.email, displayName: account.displayName, passwordHash: passwordHashes[account.email]!,
                                 roles: account.roles, teamID: account.teamSlug.flatMap { ids[$0] }, createdAt: Date())
            try await user.create(on: database)
            users[account.email] = user
        }
        let draft = DemoNetwork.application
        var sponsors: [TeamStanding?] = []
        for slug in draft.sponsorSlugs {
            sponsors.append(try await TeamModel.find(slug: slug, on: database).asyncFlatMap { try await MembershipStore.standing(of: $0, on: database) })
        }
        let (application, _) = try MembershipApplication.submit(draft, id: UUID(), by: users[DemoNetwork.applicantEmail]!.actor, applicantTeam: nil,
                                                                 sponsors: sponsors, hasOpenApplication: false, at: Date())
        try await ApplicationModel(application).create(on: database)
        // The demo's members receive the community list (their mail waits in the outbox until SMTP_URL is set).
        try await ListStore.ensureCommunityList(at: Date(), on: database)
        let list = try await ListStore.require(slug: "members", on: database)
        for account in DemoNetwork.accounts where account.teamSlug != nil {
            try await ListSubscriptionModel(listID: list.id, userID: try users[account.email]!.requireID(), mode: .perMessage, createdAt: Date())
                .create(on: database)
        }
        return DemoDirectory(teams: ids, users: users)
    }

    /// The demo's teams and accounts by slug and e-mail address.
    struct DemoDirectory {
        var teams: [String: UUID]
        var users: [String: UserModel]

        func audience(_ to: DemoNetwork.DemoAnnouncement.To) -> Audience {
            switch to {
            case .community: .community
            case .teams(let slugs): .teams(slugs.compactMap { teams[$0] })
            case .people(let emails): .individuals(emails.compactMap { users[$0]?.id })
            }
        }
    }

    /// The demo requests go through the same path as a member's: the point-of-contact request
    /// is answered by the lookup, the sample request reaches the sample's holders; the others
    /// get an answer (and one a referral) from another demo account.
    private static func loadRequests(_ directory: DemoDirectory, resolver: Resolver, on database: any Database) async throws {
        for demo in DemoNetwork.requests() {
            guard let author = directory.users[demo.author] else { continue }
            let draft = SharedItemDraft(kind: .request, title: demo.title, body: demo.body, tags: demo.tags, tlp: demo.tlp,
                                        audience: directory.audience(demo.to), request: demo.request)
            let item = try await SharedItemStore.create(draft, by: author, address: "demo", at: Date(), resolver: resolver, mail: nil, on: database)
            guard let answer = demo.answer, let answerer = directory.users[answer.author],
                  let model = try await SharedItemModel.find(item.id, on: database) else { continue }
            var answered = item
            var actor = answerer.actor
            actor.teamStatus = .active
            let team = try await answerer.$team.get(on: database)
            _ = try answered.reply(.answer(answer.text), by: actor, authorName: answerer.displayName, authorTeamName: team?.shortName, at: Date())
            if answer.refersToHoshizora, let hoshizora = try await MembershipStore.standing(slug: "hoshizora-csirt", on: database) {
                _ = try answered.reply(.referral(to: hoshizora, note: "Hoshizora tracked the same family last month."), by: actor,
                                       authorName: answerer.displayName, authorTeamName: team?.shortName, at: Date())
            }
            model.document = try SharedItemModel.encode(answered)
            model.searchText = SharedItemModel.searchText(answered)
            model.version += 1
            try await model.save(on: database)
            try await SharedItemSearch.index(model, on: database)
        }
    }

    /// A year of requests team to team (`DemoNetwork.pastRequests`), asked and answered at their times.
    private static func loadRequestHistory(_ directory: DemoDirectory, on database: any Database) async throws {
        let now = Date()
        for demo in DemoNetwork.pastRequests() {
            guard let author = directory.users[demo.author], let team = directory.teams[demo.toTeam] else { continue }
            let asked = now.addingTimeInterval(-Double(demo.daysAgo) * 86_400)
            let draft = SharedItemDraft(kind: .request, title: demo.title, body: "Seen today; details on request.", tags: ["demo"], tlp: .amber,
                                        audience: .teams([team]), request: RequestDetails(kind: .information))
            var item = try await SharedItemStore.create(draft, by: author, address: "demo", at: asked, resolver: nil, mail: nil, on: database)
            guard let answer = demo.answer, let answerer = directory.users[answer.author],
                  let model = try await SharedItemModel.find(item.id, on: database) else { continue }
            var actor = answerer.actor
            actor.teamStatus = .active
            let answererTeam = try await answerer.$team.get(on: database)
            _ = try item.reply(.answer("Ours: we are on it."), by: actor, authorName: answerer.displayName, authorTeamName: answererTeam?.shortName,
                               at: asked.addingTimeInterval(answer.after))
            model.document = try SharedItemModel.encode(item)
            model.version += 1
            try await model.save(on: database)
        }
    }

    /// Two past reachability tests (`DemoNetwork.pastChallenges`), closed, with their misses counted.
    private static func loadReachability(_ teams: [TeamRecord], directory: DemoDirectory, on database: any Database) async throws {
        let now = Date()
        var misses: [String: Int] = [:]
        for (index, challenges) in DemoNetwork.pastChallenges(teams).enumerated() {
            let started = now.addingTimeInterval(-Double(60 - index * 30) * 86_400)
            let campaign = ReachabilityCampaignModel()
            campaign.scope = ReachabilityScope.all.code
            campaign.repeatsMonthly = false
            campaign.startedAt = started
            campaign.closesAt = started.addingTimeInterval(ReachabilityRules.answerWindow)
            campaign.closedAt = campaign.closesAt
            campaign.startedBy = "Sam Secretariat"
            try await campaign.create(on: database)
            var rows: [ReachabilityChallengeModel] = []
            for past in challenges {
                guard let teamID = directory.teams[past.slug], let record = teams.first(where: { $0.slug == past.slug }) else { continue }
                let challenge = ReachabilityChallengeModel()
                challenge.$campaign.id = try campaign.requireID()
                challenge.teamID = teamID
                challenge.addresses = ReachabilityStore.addresses(of: record).joined(separator: ",")
                challenge.sentAt = started
                challenge.reminders = past.reminders
                challenge.answeredAt = past.answeredAfter.map { started.addingTimeInterval($0) }
                challenge.answerSeconds = past.answeredAfter.map { Int($0) }
                challenge.answeredVia = past.answeredAfter == nil ? nil : past.via
                challenge.bouncedAt = past.bounced ? started.addingTimeInterval(90) : nil
                challenge.bounceText = past.bounced ? "550 5.1.1 <\(record.email)>: Recipient address rejected: User unknown" : nil
                challenge.autoRepliedAt = past.autoReplied ? started.addingTimeInterval(30) : nil
                challenge.closedAt = campaign.closesAt
                misses[past.slug] = past.answeredAfter == nil ? (misses[past.slug] ?? 0) + 1 : 0
                challenge.missesInARow = misses[past.slug] ?? 0
                rows.append(challenge)
            }
            try await rows.create(on: database, inBatchesOf: 200)
        }
    }

    /// The SIGs, through the same steps as people take them: proposed by their first chair,
    /// approved by the board (which opens each SIG's list), chairs seated, participants joined,
    /// the guest invited and accepting the TLP agreement, then items and documents posted.
    private static func loadSIGs(_ directory: DemoDirectory, passwordHashes: [String: String], on database: any Database) async throws {
        var users = directory.users
        for account in DemoNetwork.sigChairs {
            guard let team = account.teamSlug.flatMap({ directory.teams[$0] }) else { throw AppError.conflict("The demo has no team \(account.teamSlug ?? "")") }
            let user = UserModel(email: account.email, displayName: account.displayName, passwordHash: passwordHashes[account.email]!,
                                 roles: account.roles, teamID: team, createdAt: Date())
            try await user.create(on: database)
            users[account.email] = user
        }
        func acting(_ email: String) async throws -> Acting {
            let user = users[email]!
            return Acting(user: user, actor: try await ListStore.readers([user], on: database)[try user.requireID()]!, address: "demo", now: Date(), mail: nil)
        }
        let board = try await acting(DemoNetwork.sigBoardLiaison)
        for demo in DemoNetwork.sigs {
            _ = try await SIGStore.propose(slug: demo.slug, name: demo.name, charter: demo.charter, by: try await acting(demo.chairs[0]), on: database)
            _ = try await SIGStore.apply(.approveCharter(liaison: board.actor.userID), to: demo.slug, by: board, on: database)
            for (index, email) in (demo.chairs + demo.participants).enumerated() {
                let person = try users[email]!.requireID()
                if try await SIGStore.join(demo.slug, by: try await acting(email), on: database).state == .requested {
                    // Moderated: the board approves while the SIG has no chair, the first chair afterwards.
                    _ = try await SIGStore.step(.approve, on: person, in: demo.slug, by: index == 0 ? board : try await acting(demo.chairs[0]), on: database)
                }
                if demo.chairs.contains(email) { _ = try await SIGStore.step(.seatChair, on: person, in: demo.slug, by: board, on: database) }
            }
            for guest in demo.guests {
                let (_, link) = try await SIGStore.inviteGuest(guest, to: demo.slug, by: try await acting(demo.chairs[0]), publicURL: "", on: database)
                _ = try await SIGStore.acceptInvitation(secret: String(link.split(separator: "/").last!), agreementAccepted: true, newAccount: nil,
                                                        signedIn: users[guest]!, address: "demo", now: Date(), on: database)
            }
        }
        for demo in DemoNetwork.sigItems {
            let sig = try await SIGStore.find(slug: demo.sig, for: nil, on: database)
            let draft = SharedItemDraft(title: demo.title, body: demo.body, tags: ["sig"], tlp: demo.tlp, audience: .sig(try sig.requireID()))
            _ = try await SharedItemStore.create(draft, by: users[demo.author]!, address: "demo", at: Date(), resolver: nil, mail: nil, on: database)
        }
        for demo in DemoNetwork.sigDocuments {
            let author = try await acting(demo.author)
            let document = try await SIGStore.change(.draft(title: demo.title, body: demo.body, tlp: demo.tlp), in: demo.sig, by: author, on: database)
            if demo.published {
                let chair = DemoNetwork.sigs.first { $0.slug == demo.sig }!.chairs[0]
                _ = try await SIGStore.change(.publish(document.id, version: document.versions.count), in: demo.sig, by: try await acting(chair), on: database)
            }
        }
    }

    /// The events, through the same steps as people take them where the rules allow it now:
    /// created by the secretariat (the SIG meeting by its chair), proposals submitted and
    /// accepted, sessions scheduled, people registered in order (the Singapore colloquium's
    /// last two on its waiting list). Last year's conference cannot be registered for any
    /// more: its attendees are written as they would stand after it, checked in.
    private static func loadEvents(_ directory: DemoDirectory, on database: any Database) async throws {
        let users = try await UserModel.query(on: database).all()
        let byEmail = Dictionary(users.map { ($0.email, $0) }, uniquingKeysWith: { first, _ in first })
        let readers = try await ListStore.readers(users, on: database)
        let now = Date()
        func acting(_ email: String) throws -> Acting {
            let user = byEmail[email]!
            return Acting(user: user, actor: readers[try user.requireID()]!, address: "demo", now: now, mail: nil)
        }
        let secretariat = try acting("secretariat@renkei-demo.example")
        for demo in DemoNetwork.events {
            let zone = TimeZone(identifier: demo.timeZone)!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = zone
            let firstDay = calendar.startOfDay(for: now.addingTimeInterval(Double(demo.startsInDays) * 86_400))
            func at(day: Int, hour: Int, minute: Int) -> Date {
                calendar.date(bySettingHour: hour, minute: minute, second: 0, of: calendar.date(byAdding: .day, value: day, to: firstDay)!)!
            }
            let starts = at(day: 0, hour: 9, minute: 0), ends = at(day: demo.days - 1, hour: 18, minute: 0)
            let creator = demo.sig == nil ? secretariat : try acting("jordan@renkei-demo.example")
            let sigID = try await demo.sig.asyncMap { try await SIGStore.find(slug: $0, for: creator.actor, on: database).requireID() }
            let event = Event(id: UUID(), slug: demo.slug, title: demo.title, kind: demo.kind, summary: demo.summary, startsAt: starts, endsAt: ends,
                              timeZone: demo.timeZone, venue: demo.venue, online: demo.venue.isEmpty, hostTeamID: demo.hostTeamSlug.flatMap { directory.teams[$0] },
                              sigID: sigID, capacity: demo.capacity, registrationOpens: calendar.startOfDay(for: min(now, starts).addingTimeInterval(-30 * 86_400)),
                              registrationCloses: starts, eligibility: sigID.map(Event.Eligibility.sigParticipants) ?? demo.eligibility, fees: demo.fees,
                              cfp: demo.cfpInDays.map { Event.CallForPresentations(membersOnly: false, deadline: now.addingTimeInterval(Double($0) * 86_400),
                                                                                   guidance: "Talks of 30 or 45 minutes; say under which TLP label you will give it.") },
                              createdBy: creator.actor.userID, createdAt: now)
            _ = try await EventStore.create(event, by: creator, on: database)
            if demo.slug == "annual-conference" {
                _ = try await EventStore.setCommittee(DemoNetwork.conferenceCommittee, of: demo.slug, by: secretariat, on: database)
            }
            for session in demo.sessions {
                var submissionID: UUID?
                if let author = session.submittedBy, event.cfp != nil {
                    let speaker = try acting(author)
                    let submission = try await EventStore.submit(title: session.title, abstract: session.abstract, speakers: session.speakers,
                                                                 tlp: session.tlp, recordingAllowed: session.recordingAllowed, contactEmail: author, to: demo.slug,
                                                                 by: speaker.actor, user: speaker.user, address: "demo", now: now, mail: nil, on: database)
                    _ = try await EventStore.decide(submission.id, in: demo.slug, accept: true, by: creator, on: database)
                    submissionID = submission.id
                }
                let slot = EventSession(id: UUID(), eventID: event.id, title: session.title, abstract: session.abstract, speakers: session.speakers, room: session.room,
                                        startsAt: at(day: session.day, hour: session.hour, minute: session.minute),
                                        endsAt: at(day: session.day, hour: session.hour, minute: session.minute).addingTimeInterval(Double(session.minutes) * 60),
                                        audience: session.audience, tlp: session.tlp, recordingAllowed: session.recordingAllowed, submissionID: submissionID,
                                        speakerUserID: try session.submittedBy.map { try byEmail[$0]!.requireID() })
                _ = try await EventStore.addSession(slot, to: demo.slug, by: creator, on: database)
                if let speaker = session.submittedBy, event.hasEnded(at: now) {
                    let slides = "# \(session.title)\n\n\(session.speakers)\n\n\(session.tlp.text)\n\n\(session.abstract)\n"
                    _ = try await EventStore.uploadSlides(Data(slides.utf8), fileName: "slides.md", contentType: "text/markdown", to: slot.id, in: demo.slug,
                                                          by: try acting(speaker), on: database)
                }
            }
            _ = try await EventStore.publishProgramme(demo.slug, by: creator, on: database)
            if event.hasEnded(at: now) {
                for email in demo.registrants {
                    let user = byEmail[email]!
                    let row = EventRegistrationModel()
                    row.update(from: EventRegistration(id: UUID(), eventID: event.id, userID: try user.requireID(), name: user.displayName, email: email,
                                                       organisation: "", category: .member, state: .confirmed, registeredAt: starts.addingTimeInterval(-30 * 86_400),
                                                       checkedInAt: starts))
                    try await row.create(on: database)
                }
                continue
            }
            // A second apart, so the waiting list's order is the order of the list.
            for (index, email) in demo.registrants.enumerated() {
                let person = try acting(email)
                let organisation = try await EventsController.organisation(nil, of: person.user, on: database)
                _ = try await EventStore.register(.init(actor: person.actor, name: person.user.displayName, email: email, organisation: organisation), for: demo.slug,
                                                  user: person.user, address: "demo", now: now.addingTimeInterval(Double(index)), mail: nil, on: database)
            }
            for (name, email, organisation) in demo.visitors {
                _ = try await EventStore.register(.init(actor: nil, name: name, email: email, organisation: organisation), for: demo.slug, user: nil, address: "demo",
                                                  now: now, mail: nil, on: database)
            }
        }
        for demo in DemoNetwork.eventSubmissions {
            let author = try acting(demo.author)
            _ = try await EventStore.submit(title: demo.title, abstract: demo.abstract, speakers: demo.speakers, tlp: demo.tlp, recordingAllowed: true,
                                            contactEmail: demo.author, to: demo.event, by: author.actor, user: author.user, address: "demo", now: now, mail: nil,
                                            on: database)
        }
    }

    /// The sign-in table printed at start.
    static var credentials: String {
        var lines = ["Demo accounts (fictional network; passwords are public, do not use in production):"]
        for account in DemoNetwork.accounts + DemoNetwork.sigChairs {
            let roles = account.purpose ?? (account.roles.isEmpty ? "Applicant (no team yet)" : account.roles.sorted().map(\.label).joined(separator: ", "))
            lines.append("  \(account.email.padding(toLength: 32, withPad: " ", startingAt: 0))  \(account.password.padding(toLength: 26, withPad: " ", startingAt: 0))  \(roles)\(account.teamSlug.map { " (team \($0))" } ?? "")")
        }
        return lines.joined(separator: "\n")
    }
}
