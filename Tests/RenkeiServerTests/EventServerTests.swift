import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    /// The routes the event matrix below covers (`SharingServerTests` checks every GET route is in a matrix).
    static let eventRoutes: Set<String> = [
        "/events", "/events/new", "/events/:slug", "/events/:slug/edit", "/events.ics", "/event-registrations/:token", "/events/:slug/cfp", "/events/:slug/review",
        "/events/:slug/sessions/:session/slides", "/events/:slug/attendees", "/events/:slug/guests", "/account/events", "/account/calendar.ics",
        "/api/v1/events", "/api/v1/events/:slug", "/api/v1/events/:slug/attendees", "/api/v1/events/:slug/submissions", "/api/v1/events/:slug/reviews",
    ]

    private func eventCall(_ app: Application, _ method: HTTPMethod, _ path: String, token: String?, body: [String: Any]? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = token.map { ["Authorization": "Bearer \($0)"] } ?? [:]
        if body != nil { headers.add(name: .contentType, value: "application/json") }
        var result: TestingHTTPResponse?
        try await app.testing().test(method, path, headers: headers, body: try body.map(jsonBody)) { result = $0 }
        return try #require(result)
    }

    private func eventPage(_ app: Application, _ path: String, _ session: BrowserSession?) async throws -> TestingHTTPResponse {
        var result: TestingHTTPResponse?
        try await app.testing().test(.GET, path, headers: session?.headers ?? [:]) { result = $0 }
        return try #require(result)
    }

    /// `days` from now at `hour`:00 in Vienna, as the event form takes it.
    private static func viennaLocal(_ app: Application, days: Double, hour: Int) -> String {
        let formatter = DateFormatter.fixed("yyyy-MM-dd")
        formatter.timeZone = TimeZone(identifier: "Europe/Vienna")
        return formatter.string(from: app.renkei.clock.now.addingTimeInterval(days * 86_400)) + String(format: "T%02d:00", hour)
    }

    /// A conference open to anyone with a call for presentations, and a colloquium Alpha hosts,
    /// each with an open session and a members-only AMBER one; the AMBER talk of the conference
    /// came through the call from member-alpha, who uploaded its slides.
    private struct EventCast {
        var tokens: [String: String] = [:]
        var conferenceSlides = ""
    }

    private func makeEvents(_ app: Application) async throws -> EventCast {
        _ = try await MembershipCast.make(app)
        var cast = EventCast()
        for email in ["secretariat@test.example", "rep-alpha@test.example", "member-alpha@test.example", "member-gamma@test.example", "rep-gamma@test.example",
                      MembershipCast.candidate, MembershipCast.boardMembers[0], "rep-beta@test.example"] {
            cast.tokens[email] = try await apiToken(app, email)
        }
        let secretariat = cast.tokens["secretariat@test.example"], host = cast.tokens["rep-alpha@test.example"]
        let conference: [String: Any] = ["slug": "conf", "title": "Conference", "kind": "conference", "timeZone": "Europe/Vienna",
                                         "starts": Self.viennaLocal(app, days: 10, hour: 9), "ends": Self.viennaLocal(app, days: 12, hour: 18), "venue": "Vienna",
                                         "capacity": "900", "eligibility": "anyone", "cfpDeadline": Self.viennaLocal(app, days: 5, hour: 12),
                                         "feeMember": "EUR 500", "feeNonMember": "EUR 800"]
        #expect(try await eventCall(app, .POST, "/api/v1/events", token: host, body: conference).status == .forbidden, "a representative creates no conference")
        let made = try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: conference)
        #expect(made.status == .created, "\(made.body.string)")
        let colloquium: [String: Any] = ["slug": "tc", "title": "Colloquium", "kind": "colloquium", "timeZone": "Europe/Vienna", "host": "alpha-cert",
                                         "starts": Self.viennaLocal(app, days: 10, hour: 9), "ends": Self.viennaLocal(app, days: 10, hour: 17), "venue": "Berlin",
                                         "capacity": "50", "eligibility": "members-and-guests"]
        let tc = try await eventCall(app, .POST, "/api/v1/events", token: host, body: colloquium)
        #expect(tc.status == .created, "the host team's representative creates its colloquium: \(tc.body.string)")
        // The AMBER talk comes through the call, from member-alpha.
        let submitted = try await eventCall(app, .POST, "/api/v1/events/conf/submissions", token: cast.tokens["member-alpha@test.example"],
                                            body: ["title": "Members AMBER numbat", "abstract": "A case with the actor's infrastructure in it.",
                                                   "speakers": "Max Member (Alpha-CERT)", "tlp": "TLP:AMBER"])
        #expect(submitted.status == .created, "\(submitted.body.string)")
        let submission = try #require(try jsonObject(submitted)["id"] as? String)
        #expect(try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: secretariat, body: ["action": "accept", "submission": submission]).status == .ok)
        let sessionsURL = "/events/conf/sessions"
        let secretariatSession = try await signIn(app, "secretariat@test.example")
        let hostSession = try await signIn(app, "rep-alpha@test.example")
        for (fields, url, session) in [
            ([("title", "Open CLEAR keynote"), ("audience", "open"), ("tlp", "TLP:CLEAR"), ("starts", Self.viennaLocal(app, days: 10, hour: 9)),
              ("ends", Self.viennaLocal(app, days: 10, hour: 10))], sessionsURL, secretariatSession),
            ([("submission", submission), ("audience", "members"), ("starts", Self.viennaLocal(app, days: 11, hour: 14)),
              ("ends", Self.viennaLocal(app, days: 11, hour: 15))], sessionsURL, secretariatSession),
        ] + [
            ([("title", "Open GREEN kiwi"), ("audience", "open"), ("tlp", "TLP:GREEN"), ("starts", Self.viennaLocal(app, days: 10, hour: 9)),
              ("ends", Self.viennaLocal(app, days: 10, hour: 10))], "/events/tc/sessions", hostSession),
            ([("title", "Members AMBER quokka"), ("audience", "members"), ("tlp", "TLP:AMBER"), ("starts", Self.viennaLocal(app, days: 10, hour: 11)),
              ("ends", Self.viennaLocal(app, days: 10, hour: 12))], "/events/tc/sessions", hostSession),
        ] {
            try await app.testing().test(.POST, url, headers: session.formHeaders(),
                                         body: formBody([("_csrf", session.csrf), ("action", "add-session"), ("room", "Hall")] + fields)) { response in
                #expect(response.status == .seeOther, "\(fields[0]): \(response.body.string.prefix(300))")
            }
        }
        // A session added by mistake is taken out again, with nothing left of it.
        try await app.testing().test(.POST, sessionsURL, headers: secretariatSession.formHeaders(),
                                     body: formBody([("_csrf", secretariatSession.csrf), ("action", "add-session"), ("room", "Hall"), ("title", "Mistaken session"),
                                                     ("audience", "open"), ("tlp", "TLP:CLEAR"), ("starts", Self.viennaLocal(app, days: 12, hour: 9)),
                                                     ("ends", Self.viennaLocal(app, days: 12, hour: 10))])) { _ in }
        let mistaken = try #require(try await EventSessionModel.query(on: app.db).filter(\.$title == "Mistaken session").first()?.requireID())
        try await app.testing().test(.POST, sessionsURL, headers: hostSession.formHeaders(),
                                     body: formBody([("_csrf", hostSession.csrf), ("action", "remove-session"), ("session", mistaken.uuidString)])) { response in
            #expect(response.status == .forbidden, "another event's host removes nothing")
        }
        try await app.testing().test(.POST, sessionsURL, headers: secretariatSession.formHeaders(),
                                     body: formBody([("_csrf", secretariatSession.csrf), ("action", "remove-session"), ("session", mistaken.uuidString)])) { response in
            #expect(response.status == .seeOther)
        }
        #expect(try await EventSessionModel.find(mistaken, on: app.db) == nil)
        // Unpublished, the programme is the hosts' and the speaker's only.
        let before = try await eventCall(app, .GET, "/api/v1/events/conf", token: nil)
        #expect(!before.body.string.contains("keynote"), "no session before the programme is published")
        for (url, session) in [("/events/conf/sessions", secretariatSession), ("/events/tc/sessions", hostSession)] {
            try await app.testing().test(.POST, url, headers: session.formHeaders(), body: formBody([("_csrf", session.csrf), ("action", "publish")])) { response in
                #expect(response.status == .seeOther)
            }
        }
        // The speaker uploads the slides of the AMBER talk.
        let detail = try jsonObject(try await eventCall(app, .GET, "/api/v1/events/conf", token: cast.tokens["member-alpha@test.example"]))
        let sessions = try #require(detail["sessions"] as? [[String: Any]])
        let amber = try #require(sessions.first { ($0["title"] as? String) == "Members AMBER numbat" })
        let upload = try #require(amber["uploadURL"] as? String)
        cast.conferenceSlides = upload
        let speaker = try await signIn(app, "member-alpha@test.example")
        let boundary = "renkei-test-boundary"
        let multipart = "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(speaker.csrf)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"numbat.md\"\r\nContent-Type: text/markdown\r\n\r\nSLIDES-NUMBAT-AMBER\r\n--\(boundary)--\r\n"
        try await app.testing().test(.POST, upload, headers: ["Cookie": speaker.cookie, "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                     body: ByteBuffer(string: multipart)) { response in
            #expect(response.status == .seeOther, "\(response.body.string.prefix(300))")
        }
        return cast
    }

    @Test func everyEventChannelShowsEachReaderOnlyWhatTheRulesAllow() async throws {
        try await withRenkei { app, _ in
            let cast = try await makeEvents(app)
            // Registration: member-gamma and the candidate (an account without a team) register for the conference.
            for email in ["member-gamma@test.example", MembershipCast.candidate, "rep-alpha@test.example"] {
                let registered = try await eventCall(app, .POST, "/api/v1/events/conf/registrations", token: cast.tokens[email])
                #expect(registered.status == .created, "\(email): \(registered.body.string)")
            }
            let category = try jsonObject(try await eventCall(app, .GET, "/api/v1/events/conf", token: cast.tokens[MembershipCast.candidate]))["registration"] as? [String: Any]
            #expect(category?["category"] as? String == "Non-member" && category?["invoiceReference"] as? String != nil)
            #expect(try await eventCall(app, .POST, "/api/v1/events/tc/registrations", token: cast.tokens[MembershipCast.candidate]).status == .forbidden,
                    "a colloquium takes no one without a member team's invitation")
            // The day comes: the host checks in member-gamma and the candidate, not rep-alpha.
            app.renkei.clock.advance(by: 10 * 86_400)
            let attendees = try jsonArray(try await eventCall(app, .GET, "/api/v1/events/conf/attendees", token: cast.tokens["secretariat@test.example"]))
            let host = try await signIn(app, "secretariat@test.example")
            for email in ["member-gamma@test.example", MembershipCast.candidate] {
                let id = try #require(attendees.first { ($0["email"] as? String) == email }?["id"] as? String)
                try await app.testing().test(.POST, "/events/conf/attendees/\(id.lowercased())/check-in", headers: host.formHeaders(),
                                             body: formBody([("_csrf", host.csrf)])) { response in
                    #expect(response.status == .seeOther)
                }
            }
            let personal = try await signIn(app, "member-gamma@test.example", password: "test-password-123")
            // Sessions: conference [open CLEAR keynote, members AMBER numbat], colloquium [open GREEN kiwi, members AMBER quokka].
            // Slides of the AMBER numbat talk: its speaker, and who was there and may see the session.
            let expected: [(who: String?, sessions: String, slides: Bool)] = [
                (nil,                            "X- X-", false),  // anonymous
                ("member-alpha@test.example",    "XX XX", true),   // the speaker
                ("member-gamma@test.example",    "XX XX", true),   // registered, checked in, of a member team
                ("rep-alpha@test.example",       "XX XX", false),  // registered, not checked in
                (MembershipCast.candidate,       "X- X-", false),  // checked in, but no member team: the members' session is not theirs
                ("rep-gamma@test.example",       "XX XX", false),  // a member who did not come
                (MembershipCast.boardMembers[0], "XX XX", false),  // an officer: sees members' sessions, was not there
            ]
            let titles = ["Open CLEAR keynote", "Members AMBER numbat", "Open GREEN kiwi", "Members AMBER quokka"]
            for reader in expected {
                let marks = Array(reader.sessions.replacingOccurrences(of: " ", with: "")).map { $0 == "X" }
                let token = reader.who.flatMap { cast.tokens[$0] }
                let session = try await reader.who.asyncMap { try await signIn(app, $0, password: Fixture.passwords[$0] ?? "test-password-123") }
                let conf = try await eventCall(app, .GET, "/api/v1/events/conf", token: token).body.string
                let tc = try await eventCall(app, .GET, "/api/v1/events/tc", token: token).body.string
                let confPage = try await eventPage(app, "/events/conf", session).body.string
                let tcPage = try await eventPage(app, "/events/tc", session).body.string
                let confCalendar = try await eventPage(app, "/events/conf.ics", session).body.string
                let tcCalendar = try await eventPage(app, "/events/tc.ics", session).body.string
                for (index, title) in titles.enumerated() {
                    let channels = index < 2 ? [("API", conf), ("page", confPage), ("calendar", confCalendar)] : [("API", tc), ("page", tcPage), ("calendar", tcCalendar)]
                    for (channel, text) in channels {
                        #expect(text.contains(title) == marks[index], "\(reader.who ?? "anonymous") \(channel): \(title)")
                    }
                }
                let slides = try await eventPage(app, cast.conferenceSlides, session)
                #expect((slides.status == .ok && slides.body.string.contains("SLIDES-NUMBAT-AMBER")) == reader.slides, "\(reader.who ?? "anonymous") slides")
                if !reader.slides { #expect(slides.status == .notFound || slides.status == .unauthorized, "\(reader.who ?? "anonymous"): \(slides.status)") }
                #expect(!confPage.contains("SLIDES-NUMBAT-AMBER") && !conf.contains("SLIDES-NUMBAT-AMBER"))
                // The attendee list is the hosts' only, in every form.
                let list = try await eventCall(app, .GET, "/api/v1/events/conf/attendees", token: token)
                #expect(list.status == (token == nil ? .unauthorized : .forbidden), "\(reader.who ?? "anonymous") attendee list")
                #expect(try await eventPage(app, "/events/conf/attendees?format=csv", session).status != .ok)
                #expect(!confPage.contains(MembershipCast.candidate), "no one's address on the event page")
            }
            // The whole calendar lists both events to anyone; a personal feed holds the person's registration and the sessions they may see.
            let all = try await eventPage(app, "/events.ics", nil).body.string
            #expect(all.contains("SUMMARY:Conference") && all.contains("SUMMARY:Colloquium") && !all.contains("numbat") && !all.contains("keynote"))
            var link = ""
            try await app.testing().test(.POST, "/account/events", headers: personal.formHeaders(), body: formBody([("_csrf", personal.csrf)])) { response in
                link = try #require(response.body.string.firstMatch(of: /id="calendar-link">([^<]+)</).map { String($0.1) })
            }
            let feed = try await eventPage(app, String(link.dropFirst("https://renkei.test".count)).replacingOccurrences(of: "&amp;", with: "&"), nil)
            // The feed leaves the platform (calendar services fetch it): the AMBER session keeps its slot, not its title.
            #expect(feed.status == .ok && feed.body.string.contains("keynote") && !feed.body.string.contains("numbat") && feed.body.string.contains("TLP:AMBER session")
                    && feed.body.string.contains("SUMMARY:Conference") && !feed.body.string.contains("Colloquium"), "\(feed.body.string)")
            #expect(feed.headers.first(name: .cacheControl)?.contains("no-store") == true)
            #expect(try await eventPage(app, "/account/calendar.ics?token=forged", nil).status == .notFound)
            // A new link ends the old one.
            try await app.testing().test(.POST, "/account/events", headers: personal.formHeaders(), body: formBody([("_csrf", personal.csrf)])) { _ in }
            #expect(try await eventPage(app, String(link.dropFirst("https://renkei.test".count)), nil).status == .notFound)
            // After the event, the CLEAR keynote's page stays; the AMBER slides stay with who was there.
            app.renkei.clock.advance(by: 5 * 86_400)
            let anonymousAfter = try await eventPage(app, cast.conferenceSlides, nil)
            #expect(anonymousAfter.status == .notFound)
        }
    }

    @Test func theWaitingListPromotesTheNextPersonOnceAndTellsThem() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let small: [String: Any] = ["slug": "small", "title": "Small workshop", "kind": "symposium", "timeZone": "Africa/Nairobi",
                                        "starts": Self.viennaLocal(app, days: 20, hour: 9), "ends": Self.viennaLocal(app, days: 20, hour: 17), "venue": "Nairobi",
                                        "capacity": "2", "eligibility": "anyone"]
            #expect(try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: small).status == .created)
            let people = ["rep-alpha@test.example", "member-alpha@test.example", "member-gamma@test.example", "rep-gamma@test.example", MembershipCast.candidate]
            var tokens: [String: String] = [:]
            var ids: [String: String] = [:]
            for email in people {
                tokens[email] = try await apiToken(app, email)
                let registered = try jsonObject(try await eventCall(app, .POST, "/api/v1/events/small/registrations", token: tokens[email]))
                ids[email] = registered["id"] as? String
                app.renkei.clock.advance(by: 1)
            }
            let states = try jsonArray(try await eventCall(app, .GET, "/api/v1/events/small/attendees", token: secretariat))
                .reduce(into: [String: String]()) { $0[$1["email"] as! String] = $1["state"] as? String }
            #expect(states == ["rep-alpha@test.example": "confirmed", "member-alpha@test.example": "confirmed", "member-gamma@test.example": "waitlisted",
                               "rep-gamma@test.example": "waitlisted", MembershipCast.candidate: "waitlisted"])
            // Two cancellations at the same moment: the two first on the list get the seats, once each.
            let (firstPath, firstToken) = ("/api/v1/events/small/registrations/\(ids["rep-alpha@test.example"]!)", tokens["rep-alpha@test.example"])
            let (secondPath, secondToken) = ("/api/v1/events/small/registrations/\(ids["member-alpha@test.example"]!)", tokens["member-alpha@test.example"])
            async let first = eventCall(app, .DELETE, firstPath, token: firstToken)
            async let second = eventCall(app, .DELETE, secondPath, token: secondToken)
            let (one, two) = try await (first, second)
            #expect(one.status == .ok && two.status == .ok, "\(one.body.string) \(two.body.string)")
            let after = try jsonArray(try await eventCall(app, .GET, "/api/v1/events/small/attendees", token: secretariat))
                .reduce(into: [String: String]()) { $0[$1["email"] as! String] = $1["state"] as? String }
            #expect(after == ["member-gamma@test.example": "confirmed", "rep-gamma@test.example": "confirmed", MembershipCast.candidate: "waitlisted"])
            for (email, seats) in [("member-gamma@test.example", 1), ("rep-gamma@test.example", 1), (MembershipCast.candidate, 0)] {
                let mails = try await mailTexts(to: email, app).filter { $0.contains("it is yours: you are registered") }
                #expect(mails.count == seats, "\(email) is told \(seats) time(s)")
            }
            // The periodic round finds nothing more to do: no second mail.
            try await EventStore.promoteWaiting(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            let afterRound = try await mailTexts(to: "member-gamma@test.example", app)
            #expect(afterRound.filter { $0.contains("it is yours: you are registered") }.count == 1, "\(afterRound)")
            // The hosts add a seat: the next in line has it at once. New dates are told to everyone registered or waiting.
            let host = try await signIn(app, "secretariat@test.example")
            let editPage = try await eventPage(app, "/events/small/edit", host)
            #expect(editPage.status == .ok && editPage.body.string.contains("value=\"2\""))
            let outsider = try await signIn(app, "member-alpha@test.example")
            #expect(try await eventPage(app, "/events/small/edit", outsider).status == .forbidden, "only the hosts change an event")
            var fields = [("_csrf", host.csrf), ("title", "Small workshop"), ("timeZone", "Africa/Nairobi"), ("venue", "Nairobi"), ("capacity", "3"),
                          ("eligibility", "anyone"), ("starts", Self.viennaLocal(app, days: 20, hour: 10)), ("ends", Self.viennaLocal(app, days: 20, hour: 17))]
            try await app.testing().test(.POST, "/events/small/edit", headers: host.formHeaders(), body: formBody(fields)) { response in
                #expect(response.status == .seeOther, "\(response.body.string.prefix(400))")
            }
            let grown = try jsonArray(try await eventCall(app, .GET, "/api/v1/events/small/attendees", token: secretariat))
                .reduce(into: [String: String]()) { $0[$1["email"] as! String] = $1["state"] as? String }
            #expect(grown[MembershipCast.candidate] == "confirmed", "a new seat goes to the waiting list at once")
            #expect(try await mailTexts(to: MembershipCast.candidate, app).filter { $0.contains("it is yours: you are registered") }.count == 1)
            #expect(try await mailTexts(to: "rep-gamma@test.example", app).contains { $0.contains("changed when or where Small workshop takes place") })
            fields[4] = ("capacity", "0")
            try await app.testing().test(.POST, "/events/small/edit", headers: host.formHeaders(), body: formBody(fields)) { response in
                #expect(response.status == .unprocessableEntity && response.body.string.contains("Capacity is between 1 and 100,000 seats."))
            }
            // Registration closes at its deadline.
            app.renkei.clock.advance(by: 21 * 86_400)
            let late = try await eventCall(app, .POST, "/api/v1/events/small/registrations", token: tokens["rep-alpha@test.example"])
            let lateCode = try jsonObject(late)["reason"] as? String
            #expect(late.status == .conflict && lateCode == "closed", "\(late.body.string)")
        }
    }

    @Test func reviewIsBlindAndNobodyReviewsTheirOwnTeam() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let conference: [String: Any] = ["slug": "conf", "title": "Conference", "kind": "conference", "timeZone": "Europe/Vienna",
                                             "starts": Self.viennaLocal(app, days: 40, hour: 9), "ends": Self.viennaLocal(app, days: 41, hour: 18), "venue": "Vienna",
                                             "capacity": "900", "cfpDeadline": Self.viennaLocal(app, days: 10, hour: 12)]
            #expect(try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: conference).status == .created)
            let host = try await signIn(app, "secretariat@test.example")
            try await app.testing().test(.POST, "/events/conf/review", headers: host.formHeaders(),
                                         body: formBody([("_csrf", host.csrf), ("action", "committee"), ("comment", "member-alpha@test.example, member-gamma@test.example")])) { response in
                #expect(response.status == .seeOther)
            }
            // rep-alpha (Alpha) submits; the speaker's name is the one thing reviewers must not see.
            let author = try await apiToken(app, "rep-alpha@test.example")
            let made = try await eventCall(app, .POST, "/api/v1/events/conf/submissions", token: author,
                                           body: ["title": "Sinkholing at scale", "abstract": "Three years of sinkhole data and what it told us.",
                                                  "speakers": "Zebediah Speakername (Alpha-CERT)", "tlp": "TLP:CLEAR"])
            let id = try #require(try jsonObject(made)["id"] as? String)
            // An anonymous visitor answers the public call too; the answer comes by mail.
            let cfpPage = try await eventPage(app, "/events/conf/cfp", nil)
            let cfpCSRF = try #require(csrfToken(in: cfpPage.body.string)), cfpCookie = try #require(sessionCookie(from: cfpPage))
            try await app.testing().test(.POST, "/events/conf/cfp", headers: ["Cookie": cfpCookie, "Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("_csrf", cfpCSRF), ("title", "Visitor talk"), ("abstract", "Abstract long enough to be one."),
                                                         ("speakers", "Vera Visitor"), ("tlp", "TLP:CLEAR"), ("email", "vera@visitor.example")])) { response in
                #expect(response.status == .seeOther)
            }
            let reviewer = try await apiToken(app, "member-gamma@test.example")
            let reviewerSession = try await signIn(app, "member-gamma@test.example", password: "test-password-123")
            let seen = try await eventCall(app, .GET, "/api/v1/events/conf/submissions", token: reviewer)
            #expect(seen.status == .ok && seen.body.string.contains("Sinkholing at scale"))
            let reviewPage = try await eventPage(app, "/events/conf/review", reviewerSession)
            for text in [seen.body.string, reviewPage.body.string] {
                #expect(!text.contains("Speakername") && !text.contains("rep-alpha@test.example"), "blind: no speaker and no address")
            }
            #expect(try await eventCall(app, .GET, "/api/v1/events/conf/submissions", token: secretariat).body.string.contains("Speakername"), "the hosts see who speaks")
            // member-alpha is of the submitter's team: refused, by the rule's name.
            let own = try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: try await apiToken(app, "member-alpha@test.example"),
                                          body: ["action": "review", "submission": id, "score": "5"])
            let ownCode = try jsonObject(own)["reason"] as? String
            #expect(own.status == .forbidden && ownCode == "conflict-of-interest", "\(own.body.string)")
            #expect(try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: reviewer, body: ["action": "review", "submission": id, "score": "4",
                                                                                                         "comment": "Solid."]).status == .noContent)
            #expect(try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: try await apiToken(app, "rep-gamma@test.example"),
                                        body: ["action": "review", "submission": id, "score": "4"]).status == .forbidden, "only the committee reviews")
            #expect(try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: reviewer, body: ["action": "accept", "submission": id]).status == .forbidden,
                    "the committee scores; the hosts decide")
            #expect(try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: secretariat, body: ["action": "accept", "submission": id]).status == .ok)
            // The submitter has an account without a key: the decision is a pointer to the web, the title (which may carry a label) stays out of the mail.
            let told = try await mailTexts(to: "rep-alpha@test.example", app)
            #expect(told.count == 2 && told.allSatisfy { !$0.contains("Sinkholing") && $0.contains("waits for you on the web") }, "\(told)")
            // The visitor's receipt names the proposal by reference and repeats nothing they typed.
            let receipt = try await mailTexts(to: "vera@visitor.example", app)
            #expect(receipt.count == 1 && !receipt[0].contains("Visitor talk") && receipt[0].contains("reference"), "\(receipt)")
            // A proposal that gives a committee member's own address is theirs: a conflict.
            let disguised = try await eventCall(app, .POST, "/api/v1/events/conf/submissions", token: nil,
                                                body: ["title": "Disguised", "abstract": "A proposal sent signed out with a reviewer's address.",
                                                       "speakers": "Someone", "tlp": "TLP:CLEAR", "email": "Member-Gamma@test.example"])
            #expect(disguised.status == .accepted)
            let disguisedID = try #require(try jsonArray(try await eventCall(app, .GET, "/api/v1/events/conf/submissions", token: secretariat))
                .first { ($0["title"] as? String) == "Disguised" }?["id"] as? String)
            let selfReview = try await eventCall(app, .POST, "/api/v1/events/conf/reviews", token: reviewer, body: ["action": "review", "submission": disguisedID, "score": "5"])
            #expect(selfReview.status == .forbidden && !selfReview.body.string.contains("team"), "\(selfReview.body.string)")
            // A committee seat lapses with the team's membership: member-gamma's team leaves.
            #expect(try await eventCall(app, .POST, "/api/v1/teams/gamma-cert/membership", token: secretariat,
                                        body: ["change": "terminate", "reason": "Ceased operations"]).status == .ok)
            let lapsed = try await eventCall(app, .GET, "/api/v1/events/conf/submissions", token: reviewer)
            #expect(lapsed.status == .ok && !lapsed.body.string.contains("Sinkholing"), "\(lapsed.body.string)")
            let reviews = try jsonArray(try await eventCall(app, .GET, "/api/v1/events/conf/reviews", token: secretariat))
            #expect(reviews.count == 1 && reviews[0]["score"] as? Int == 4)
        }
    }

    @Test func visitorsAndGuestsRegisterByLink() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            let secretariat = try await apiToken(app, "secretariat@test.example")
            for (slug, kind, eligibility, host) in [("conf", "conference", "anyone", ""), ("tc", "colloquium", "members-and-guests", "alpha-cert")] {
                let body: [String: Any] = ["slug": slug, "title": slug.uppercased(), "kind": kind, "timeZone": "Asia/Singapore", "host": host,
                                           "starts": Self.viennaLocal(app, days: 30, hour: 9), "ends": Self.viennaLocal(app, days: 30, hour: 17), "venue": "Singapore",
                                           "capacity": "10", "eligibility": eligibility]
                #expect(try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: body).status == .created)
            }
            // A visitor without an account: the same answer whatever the address, then a link.
            for address in ["pat@visitor.example", "rep-alpha@test.example"] {
                let page = try await eventPage(app, "/events/conf", nil)
                let csrf = try #require(csrfToken(in: page.body.string))
                let cookie = try #require(sessionCookie(from: page))
                try await app.testing().test(.POST, "/events/conf/registrations", headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                             body: formBody([("_csrf", csrf), ("name", "Pat"), ("email", address), ("organisation", "Uni")])) { response in
                    #expect(response.status == .seeOther)
                }
            }
            let mail = try #require(try await mailTexts(to: "pat@visitor.example", app).last)
            // The form mails an address nobody confirmed: three a day, then a refusal that sends nothing.
            for attempt in 1...3 {
                let page = try await eventPage(app, "/events/conf", nil)
                let csrf = try #require(csrfToken(in: page.body.string)), cookie = try #require(sessionCookie(from: page))
                try await app.testing().test(.POST, "/events/conf/registrations", headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                             body: formBody([("_csrf", csrf), ("name", "Pat"), ("email", "Pat+\(attempt)@visitor.example")])) { response in
                    #expect(response.status == (attempt < 3 ? .seeOther : .tooManyRequests), "attempt \(attempt)")
                }
            }
            #expect(try await mailTexts(to: "pat@visitor.example", app).count + (try await mailTexts(to: "pat+1@visitor.example", app).count)
                    + (try await mailTexts(to: "pat+2@visitor.example", app).count) == 3)
            let link = try #require(mail.firstMatch(of: /https:\/\/renkei\.test(\/event-registrations\/[A-Za-z0-9_-]+)/).map { String($0.1) })
            #expect(try await EventRegistrationModel.query(on: app.db).count() == 0, "no seat before the address is confirmed")
            let confirmPage = try await eventPage(app, link, nil)
            let csrf = try #require(csrfToken(in: confirmPage.body.string)), cookie = try #require(sessionCookie(from: confirmPage))
            try await app.testing().test(.POST, link, headers: ["Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("_csrf", csrf)])) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await eventPage(app, link, nil).body.string.contains("registered (Non-member)"))
            // A guest of the colloquium, invited by Alpha, must accept the agreement.
            let memberSession = try await signIn(app, "member-alpha@test.example")
            try await app.testing().test(.POST, "/events/tc/guests", headers: memberSession.formHeaders(),
                                         body: formBody([("_csrf", memberSession.csrf), ("name", "Gina Guest"), ("email", "gina@guest.example"), ("organisation", "Police")])) { response in
                #expect(response.status == .seeOther)
            }
            let invitation = try #require(try await mailTexts(to: "gina@guest.example", app).last)
            let guestLink = try #require(invitation.firstMatch(of: /https:\/\/renkei\.test(\/event-registrations\/[A-Za-z0-9_-]+)/).map { String($0.1) })
            let guestPage = try await eventPage(app, guestLink, nil)
            #expect(guestPage.body.string.contains("TLP agreement"))
            let guestCSRF = try #require(csrfToken(in: guestPage.body.string)), guestCookie = try #require(sessionCookie(from: guestPage))
            try await app.testing().test(.POST, guestLink, headers: ["Cookie": guestCookie, "Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("_csrf", guestCSRF)])) { response in
                #expect(response.status == .forbidden || response.status == .conflict || response.status == .unprocessableEntity, "no seat without the agreement: \(response.status)")
            }
            try await app.testing().test(.POST, guestLink, headers: ["Cookie": guestCookie, "Content-Type": "application/x-www-form-urlencoded"],
                                         body: formBody([("_csrf", guestCSRF), ("agreement", "on")])) { response in
                #expect(response.status == .seeOther)
            }
            #expect(try await eventPage(app, guestLink, nil).body.string.contains("registered (Guest)"))
            // The guest list: Alpha's people who registered read it from its day on; others never.
            let registered = try await eventCall(app, .POST, "/api/v1/events/tc/registrations", token: try await apiToken(app, "rep-alpha@test.example"))
            #expect(registered.status == .created)
            let repAlpha = try await signIn(app, "rep-alpha@test.example")
            let gamma = try await signIn(app, "member-gamma@test.example", password: "test-password-123")
            #expect(try await eventPage(app, "/events/tc/guests", repAlpha).body.string.contains("Gina Guest"), "the host reads its guest list")
            let gammaView = try await eventPage(app, "/events/tc/guests", gamma).body.string
            #expect(!gammaView.contains("Gina Guest"), "not before its day, not without a seat")
            let anonymousView = try await eventPage(app, "/events/tc/guests", nil)
            #expect(anonymousView.status == .seeOther && anonymousView.headers.first(name: .location)?.hasPrefix("/sign-in") == true && !anonymousView.body.string.contains("Gina Guest"), "a visitor is sent to sign in")
        }
    }

    @Test func badEventInputIsRefusedClearly() async throws {
        try await withRenkei { app, _ in
            let secretariat = try await apiToken(app, "secretariat@test.example")
            let bad: [String: Any] = ["slug": "x y", "title": "", "kind": "party", "timeZone": "Mars/Olympus", "starts": "tomorrow", "capacity": "-1"]
            let refused = try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: bad)
            #expect(refused.status == .unprocessableEntity && refused.headers.contentType?.subType == "problem+json", "\(refused.body.string)")
            let wrongZone: [String: Any] = ["slug": "ok", "title": "T", "kind": "conference", "timeZone": "Mars/Olympus", "starts": "2030-01-01T09:00",
                                            "ends": "2030-01-02T09:00", "venue": "V", "capacity": "10"]
            let zone = try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: wrongZone)
            #expect(zone.status == .unprocessableEntity && zone.body.string.contains("time_zone"), "\(zone.body.string)")
            #expect(try await EventModel.query(on: app.db).count() == 0, "nothing half-written")
            #expect(try await eventCall(app, .GET, "/api/v1/events/nope", token: nil).status == .notFound)
            #expect(try await eventCall(app, .GET, "/api/v1/events?past=true&before=yesterday", token: nil).status == .unprocessableEntity)
            #expect(try await eventCall(app, .POST, "/api/v1/events/nope/registrations", token: secretariat).status == .notFound)
            var reserved = wrongZone
            reserved["slug"] = "new"
            reserved["timeZone"] = "Europe/Vienna"
            reserved["feeMember"] = String(repeating: "EUR ", count: 100)
            let refusedNew = try await eventCall(app, .POST, "/api/v1/events", token: secretariat, body: reserved)
            #expect(refusedNew.status == .unprocessableEntity && refusedNew.body.string.contains("\"slug\"") && refusedNew.body.string.contains("\"fees\""),
                    "\(refusedNew.body.string)")
        }
    }
}

extension ServerTests {
    @Test func aSIGMeetingIsTheSIGsAloneOnEveryChannel() async throws {
        try await withRenkei { app, _ in
            _ = try await MembershipCast.make(app)
            var tokens: [String: String] = [:]
            for email in ["rep-alpha@test.example", "member-gamma@test.example", "member-alpha@test.example", "secretariat@test.example", MembershipCast.boardMembers[0]] {
                tokens[email] = try await apiToken(app, email)
            }
            func call(_ method: HTTPMethod, _ path: String, _ who: String?, _ body: [String: Any]? = nil) async throws -> TestingHTTPResponse {
                var headers: HTTPHeaders = who.flatMap { tokens[$0] }.map { ["Authorization": "Bearer \($0)"] } ?? [:]
                if body != nil { headers.add(name: .contentType, value: "application/json") }
                var result: TestingHTTPResponse?
                try await app.testing().test(method, path, headers: headers, body: try body.map(jsonBody)) { result = $0 }
                return try #require(result)
            }
            let chair = "rep-alpha@test.example", board = MembershipCast.boardMembers[0]
            #expect(try await call(.POST, "/api/v1/sigs", chair, ["slug": "abuse", "name": "Abuse Handling", "mission": "Route abuse reports. Well.",
                                                                  "scope": "Abuse.", "deliverables": "A guide.", "decisionMaking": "Consensus."]).status == .created)
            #expect(try await call(.POST, "/api/v1/sigs/abuse/decisions", board, ["decision": "approve-charter", "liaison": board]).status == .ok)
            for email in [chair, "member-gamma@test.example"] {
                #expect(try await call(.POST, "/api/v1/sigs/abuse/participants", email, ["step": "join"]).status == .ok)
            }
            #expect(try await call(.POST, "/api/v1/sigs/abuse/participants", board, ["step": "seat-chair", "person": chair]).status == .ok)
            let meeting: [String: Any] = ["slug": "abuse-meeting", "title": "Wallaby plenary", "kind": "sig-meeting", "sig": "abuse", "timeZone": "Europe/Vienna",
                                          "starts": Self.viennaLocal(app, days: 9, hour: 15), "ends": Self.viennaLocal(app, days: 9, hour: 16), "online": "on",
                                          "capacity": "30"]
            #expect(try await call(.POST, "/api/v1/events", "secretariat@test.example", meeting).status == .forbidden, "the secretariat plans no SIG's meeting")
            let made = try await call(.POST, "/api/v1/events", chair, meeting)
            #expect(made.status == .created, "\(made.body.string)")
            // The address is made by the server: the slug asked for would tell outsiders, by a refused duplicate, that the meeting exists.
            let slug = try #require(try jsonObject(made)["slug"] as? String)
            #expect(slug != "abuse-meeting" && slug.hasPrefix("meeting-"))
            #expect(try await call(.POST, "/api/v1/events/\(slug)/registrations", "member-gamma@test.example").status == .created)
            #expect(try await call(.POST, "/api/v1/events/\(slug)/registrations", "member-alpha@test.example").status == .notFound,
                    "outside the SIG, the meeting does not exist")
            // By hand: who finds the meeting, on every channel.
            for (who, sees) in [(nil, false), ("member-alpha@test.example", false), ("secretariat@test.example", false), (board, false),
                                ("member-gamma@test.example", true), (chair, true)] as [(String?, Bool)] {
                let session = try await who.asyncMap { try await signIn(app, $0, password: Fixture.passwords[$0] ?? "test-password-123") }
                var channels: [(String, String)] = []
                channels.append(("API list", try await call(.GET, "/api/v1/events", who).body.string))
                channels.append(("API event", try await call(.GET, "/api/v1/events/\(slug)", who).body.string))
                for path in ["/events", "/events/\(slug)", "/events.ics", "/events/\(slug).ics"] {
                    var text = ""
                    try await app.testing().test(.GET, path, headers: session?.headers ?? [:]) { text = $0.body.string }
                    channels.append((path, text))
                }
                for (channel, text) in channels {
                    #expect(text.contains("Wallaby plenary") == sees, "\(who ?? "anonymous") \(channel)")
                }
            }
            // A copy is a channel too: the reminder of a SIG's meeting goes to the account, encrypted or as a pointer, never with its title in clear.
            app.renkei.clock.advance(by: 8.5 * 86_400)
            try await EventStore.remind(now: app.renkei.clock.now, mail: app.renkei.mail, on: app.db)
            let reminders = try await mailTexts(to: "member-gamma@test.example", app)
            #expect(!reminders.isEmpty && reminders.allSatisfy { !$0.contains("Wallaby plenary") }, "\(reminders)")
            let lines = try await AuditEventModel.query(on: app.db).filter(\.$action ~~ ["event.create", "event.register"]).all()
            #expect(lines.count == 2 && lines.allSatisfy { !$0.subject.contains(slug) }, "the audit log names a SIG's meeting by id")
        }
    }
}

extension ServerTests {
    @Test func upcomingEventsArePagedInStartOrder() async throws {
        try await withRenkei { app, _ in
            // Events start on the minute, as the forms take them.
            let now = Date(timeIntervalSince1970: (app.renkei.clock.now.timeIntervalSince1970 / 60).rounded(.down) * 60)
            let creator = try #require(try await UserModel.query(on: app.db).filter(\.$email == "secretariat@test.example").first()).requireID()
            for index in 0..<52 {
                let starts = now.addingTimeInterval(Double(index + 1) * 86_400)
                let event = Event(id: UUID(), slug: "meetup-\(index)", title: "Meetup number \(index)", kind: .symposium, startsAt: starts,
                                  endsAt: starts.addingTimeInterval(3_600), timeZone: "UTC", venue: "Hall", capacity: 10, registrationOpens: now,
                                  registrationCloses: starts, eligibility: .anyone, createdBy: creator, createdAt: now)
                try await EventModel(event).create(on: app.db)
            }
            var result: TestingHTTPResponse?
            try await app.testing().test(.GET, "/api/v1/events") { result = $0 }
            let first = try jsonObject(try #require(result))
            let titles = try #require(first["events"] as? [[String: Any]]).compactMap { $0["title"] as? String }
            #expect(titles.count == 50 && titles.first == "Meetup number 0" && titles.last == "Meetup number 49")
            let next = try #require(first["next"] as? String)
            try await app.testing().test(.GET, next) { result = $0 }
            let second = try jsonObject(try #require(result))
            #expect(try #require(second["events"] as? [[String: Any]]).compactMap { $0["title"] as? String } == ["Meetup number 50", "Meetup number 51"])
            #expect(second["next"] == nil, "the last page has no next")
            try await app.testing().test(.GET, "/events") { result = $0 }
            let page = try #require(result).body.string
            let later = try #require(page.firstMatch(of: /id="later-events"|href="(\/events\?after=[^"]+)" id="later-events"/).flatMap { $0.1.map(String.init) })
            try await app.testing().test(.GET, later.replacingOccurrences(of: "&amp;", with: "&")) { result = $0 }
            let laterPage = try #require(result).body.string
            #expect(laterPage.contains("Meetup number 51") && !laterPage.contains("Meetup number 49<"), "the later page continues where the first ended")
        }
    }
}
