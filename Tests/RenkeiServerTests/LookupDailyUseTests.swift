import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13: the lookup reads what analysts paste (defanged indicators, IPv4-mapped IPv6
/// addresses) and says when a closed team opens next, in its zone, UTC and the reader's.
extension ServerTests {
    @Test func theLookupReadsDefangedIndicators() async throws {
        try await withRenkei { app, _ in
            for query in ["hxxps://www.alpha[.]example/login", "alpha(.)example", "192.0.2[.]9", "::ffff:192.0.2.9", "%5B::ffff:c000:209%5D",
                          "abuse%5Bat%5Dalpha%7B.%7Dexample"] {
                try await app.testing().test(.GET, "/api/v1/lookup?q=\(query.replacingOccurrences(of: "+", with: "%2B"))") { response in
                    #expect(response.status == .ok, "\(query): \(response.body.string)")
                    let candidates = try jsonObject(response)["candidates"] as? [[String: Any]] ?? []
                    #expect(candidates.first.flatMap { ($0["team"] as? [String: Any])?["slug"] as? String } == "alpha-cert", "\(query)")
                }
            }
            try await app.testing().test(.GET, "/lookup?q=hxxp://192.0.2%5B.%5D9/x") { response in
                #expect(response.body.string.contains("<h2><code>192.0.2.9</code> <span class=\"tag\">ipv4</span></h2>"))
            }
        }
    }

    /// The point of contact's numbers are dialable from the answer, as on the team's page.
    @Test func theLookupsPhoneNumbersAreTelLinks() async throws {
        try await withRenkei { app, _ in
            let member = try await signIn(app, "member-alpha@test.example")
            for query in ["192.0.2.9", "192.0.2.9%0A192.0.2.10"] {
                try await app.testing().test(.GET, "/lookup?q=\(query)", headers: member.headers) { response in
                    #expect(response.status == .ok)
                    #expect(response.body.string.contains(#"<a href="tel:+493055550100">+49 30 5555 0100</a>"#), "\(query)")
                }
            }
        }
    }

    /// On a phone the answer is below the form: the form and the indicators' links go to it.
    @Test func theLookupFormLandsOnItsAnswerAndMarksABadZone() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/lookup?q=192.0.2.9&zone=Mars/Olympus") { response in
                let html = response.body.string
                #expect(html.contains(#"<form method="post" action="/lookup#lookup-answer" class="stacked lookup-form">"#))
                #expect(html.contains(#"<div id="lookup-answer" tabindex="-1">"#))
                #expect(html.contains(#"aria-invalid="true" aria-describedby="lookup-zone-error">"#))
                #expect(html.contains(#"id="lookup-zone-error""#))
            }
        }
    }

    @Test func theLookupSaysWhenAClosedTeamOpensInTheReadersZone() async throws {
        try await withRenkei { app, _ in
            // Saturday 5 January 2030, 12:00 UTC: Alpha-CERT (weekdays 09:00-17:00 Europe/Berlin) is closed.
            let saturday = try #require(ISO8601DateFormatter().date(from: "2030-01-05T12:00:00Z"))
            app.renkei.clock.advance(by: saturday.timeIntervalSince(app.renkei.clock.now))
            let teamAndUTC = "opens Mon 7 Jan, 09:00 Europe/Berlin · Mon 7 Jan, 08:00 UTC"
            var cookie = ""
            try await app.testing().test(.GET, "/lookup?q=192.0.2.9&zone=Asia/Tokyo") { response in
                let html = response.body.string
                #expect(html.contains(#"<span class="status closed">closed now</span><br><span class="opens-next">\#(teamAndUTC) · Mon 7 Jan, 17:00 Asia/Tokyo</span>"#))
                #expect(html.contains(#"<input id="lookup-zone" name="zone" value="Asia/Tokyo""#))
                let set = try #require(response.headers[.setCookie].first { $0.hasPrefix("renkei-zone=") })
                #expect(set.hasPrefix("renkei-zone=Asia/Tokyo;") && set.contains("Path=/lookup") && set.contains("HttpOnly"))
                cookie = String(set.split(separator: ";")[0])
            }
            // Remembered for the next lookup.
            try await app.testing().test(.GET, "/lookup?q=alpha.example", headers: ["Cookie": cookie]) { response in
                #expect(response.body.string.contains("\(teamAndUTC) · Mon 7 Jan, 17:00 Asia/Tokyo</span>"))
            }
            // Unknown: the team's zone and UTC only.
            try await app.testing().test(.GET, "/lookup?q=192.0.2.9") { response in
                #expect(response.body.string.contains(#"<span class="opens-next">\#(teamAndUTC)</span>"#))
            }
            // A name that is not a zone is said so, and not used.
            try await app.testing().test(.GET, "/lookup?q=192.0.2.9&zone=Mars/Olympus") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("“Mars/Olympus” is not a time zone name"))
                #expect(response.body.string.contains(#"<span class="opens-next">\#(teamAndUTC)</span>"#))
            }
            try await app.testing().test(.GET, "/api/v1/lookup?q=192.0.2.9") { response in
                let candidates = try #require(try jsonObject(response)["candidates"] as? [[String: Any]])
                let team = try #require(candidates.first?["team"] as? [String: Any])
                #expect(team["openNow"] as? Bool == false && team["opensNext"] as? String == "2030-01-07T08:00:00Z")
            }
            // Monday 10:00 in Berlin: open, so nothing about opening.
            app.renkei.clock.advance(by: 2 * 86_400 - 3 * 3_600)
            try await app.testing().test(.GET, "/lookup?q=192.0.2.9") { response in
                #expect(response.body.string.contains(#"<span class="status open">open now</span>"#))
                #expect(!response.body.string.contains("opens-next"))
            }
        }
    }
}
