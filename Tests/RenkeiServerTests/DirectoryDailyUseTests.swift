import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 13, the directory in daily use: sortable columns, "open now", exports of the current
/// selection, a vCard and the PGP keys per team, `tel:` links and copyable fingerprints.
extension ServerTests {
    private func body(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> (HTTPStatus, HTTPHeaders, String) {
        var result: (HTTPStatus, HTTPHeaders, String) = (.internalServerError, [:], "")
        try await app.testing().test(.GET, path, headers: headers) { result = ($0.status, $0.headers, $0.body.string) }
        return result
    }

    private func order(_ html: String, _ first: String, before second: String) -> Bool {
        guard let a = html.range(of: first), let b = html.range(of: second) else { return false }
        return a.lowerBound < b.lowerBound
    }

    @Test func directoryColumnsSortOnTheServerWithLinksAndAriaSort() async throws {
        try await withRenkei { app, _ in
            var (status, _, html) = try await body(app, "/teams")
            #expect(status == .ok)
            #expect(order(html, ">Alpha-CERT<", before: ">Beta-CSIRT<"))
            #expect(html.contains(#"<th scope="col" aria-sort="ascending"><a class="sort" href="/teams?sort=-name">Team"#))
            #expect(html.contains(#"<a class="sort" href="/teams?sort=country">Country"#))
            (status, _, html) = try await body(app, "/teams?sort=-name")
            #expect(order(html, ">Beta-CSIRT<", before: ">Alpha-CERT<"))
            #expect(html.contains(#"<th scope="col" aria-sort="descending"><a class="sort" href="/teams">Team"#))
            // Germany before Japan, and the other way round.
            (_, _, html) = try await body(app, "/teams?sort=country")
            #expect(order(html, ">Alpha-CERT<", before: ">Beta-CSIRT<"))
            (_, _, html) = try await body(app, "/teams?sort=-country&type=national")
            #expect(order(html, ">Beta-CSIRT<", before: ">Alpha-CERT<"))
            #expect(html.contains(#"href="/teams?type=national&amp;sort=country""#), "a heading keeps the filter")
            #expect(html.contains(#"<input type="hidden" name="sort" value="-country">"#), "the filter form keeps the sort")
            (status, _, _) = try await body(app, "/teams?sort=shoe-size")
            #expect(status == .badRequest)
        }
    }

    @Test func aSearchThatMatchesNoTeamSaysSoInsteadOfAnEmptyTable() async throws {
        try await withRenkei { app, _ in
            let (status, _, html) = try await body(app, "/teams?q=no-such-team-anywhere")
            #expect(status == .ok)
            #expect(html.contains("<p id=\"no-teams\">No team matches this search and these filters.</p>"))
            #expect(!html.contains("<table class=\"teams\">") && !html.contains("id=\"team-count\""))
            let (_, _, all) = try await body(app, "/teams")
            #expect(all.contains("<span id=\"team-count\">2 teams</span>") && !all.contains("id=\"no-teams\""))
        }
    }

    @Test func theOpenNowColumnFollowsEachTeamsHoursInItsZone() async throws {
        try await withRenkei { app, _ in
            // Wednesday 2 December 2026, 10:00 in Berlin (09:00 UTC): Alpha (Mon-Fri 09-17 Berlin) is open.
            let wednesdayMorning = Date(timeIntervalSince1970: 1_796_202_000)
            app.renkei.clock.advance(by: wednesdayMorning.timeIntervalSince(app.renkei.clock.now))
            var (_, _, html) = try await body(app, "/teams?sort=open")
            #expect(html.contains(#"<td><span class="status open">open</span></td>"#))
            #expect(!html.contains(#"<span class="status closed">"#), "Beta has no hours: neither open nor closed")
            #expect(order(html, ">Alpha-CERT<", before: ">Beta-CSIRT<"))
            // Saturday 5 December 2026, 10:00 in Berlin: closed.
            app.renkei.clock.advance(by: 3 * 86_400)
            for path in ["/teams", "/teams?sort=open"] {
                (_, _, html) = try await body(app, path)
                #expect(html.contains(#"<td><span class="status closed">closed</span></td>"#), "\(path): a page rendered earlier is not shown again")
            }
        }
    }

    @Test func theDirectoryLinksExportsOfTheCurrentSelection() async throws {
        try await withRenkei { app, _ in
            let (_, _, html) = try await body(app, "/teams?country=DE&type=national")
            #expect(html.contains(#"id="export-csv" href="/global-irt/v1/teams.csv?country=DE&amp;-renkei-team-types=national""#))
            #expect(html.contains(#"id="export-json" href="/api/v1/teams?country=DE&amp;type=national""#))
            let (csvStatus, _, csv) = try await body(app, "/global-irt/v1/teams.csv?country=DE&-renkei-team-types=national")
            #expect(csvStatus == .ok && csv.contains("Alpha-CERT") && !csv.contains("Beta-CSIRT"))
            let (_, _, beta) = try await body(app, "/global-irt/v1/teams.csv?-renkei-team-types=government")
            #expect(beta.contains("Beta-CSIRT") && !beta.contains("Alpha-CERT"))
            let (_, _, json) = try await body(app, "/api/v1/teams?country=DE&type=national")
            #expect(json.contains("alpha-cert") && !json.contains("beta-csirt"))
        }
    }

    @Test func theVCardAndKeysShowWhatTheReaderMaySeeAndNoMore() async throws {
        try await withRenkei { app, fixture in
            let armored = try fixtureKey("csirt")
            let model = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            var record = model.record
            record.pgpKeys = [PGPKey(fingerprint: "7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6", armored: armored)]
            try await TeamWrites.save(record, existing: model, author: ChangeAuthor(userID: nil, name: "test", channel: "cli"), on: app.db)

            // Anonymous: the public fields only (hand-written from the seed: the postal address,
            // internal address, emergency contact and keys are members-only).
            var (status, headers, card) = try await body(app, "/teams/alpha-cert/vcard.vcf")
            #expect(status == .ok)
            #expect(headers.contentType?.type == "text" && headers.contentType?.subType == "vcard")
            #expect(headers.first(name: .contentDisposition)?.contains("alpha-cert.vcf") == true)
            #expect(card.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\n") && card.hasSuffix("END:VCARD\r\n"))
            #expect(card.contains("\r\nFN:Alpha-CERT\r\n") && card.contains("\r\nORG:Alpha Computer Emergency Response Team\r\n"))
            #expect(card.contains("\r\nEMAIL;TYPE=work;PREF=1:cert@alpha.example\r\n"))
            #expect(card.contains("\r\nTEL;VALUE=uri;TYPE=work,voice:tel:+493055550100\r\n"))
            for secret in [Fixture.alphaInternal, "5555 0199", "Alpha Street", "KEY;", "7557E6E1", "BEGIN PGP"] {
                #expect(!card.contains(secret), "the public vCard leaks \(secret)")
            }
            (status, _, _) = try await body(app, "/teams/alpha-cert/keys.asc")
            #expect(status == .notFound, "the keys are members-only here")
            let (_, _, publicPage) = try await body(app, "/teams/alpha-cert")
            #expect(publicPage.contains(#"<a href="tel:+493055550100">+49 30 5555 0100</a>"#))
            #expect(!publicPage.contains("keys-download"))

            let member = try await signIn(app, "member-alpha@test.example").headers
            (status, _, card) = try await body(app, "/teams/alpha-cert/vcard.vcf", member)
            #expect(card.contains("\r\nEMAIL;TYPE=work:\(Fixture.alphaInternal)\r\n"))
            #expect(card.contains("\r\nADR;TYPE=work:;;1 Alpha Street\\, Berlin;;;;Germany\r\n"))
            // A long line continues after CRLF and a space (RFC 6350 section 3.2).
            let unfolded = card.replacingOccurrences(of: "\r\n ", with: "")
            #expect(unfolded.contains("\r\nKEY;MEDIATYPE=application/pgp-keys:https://renkei.test/teams/alpha-cert/keys.asc\r\n"))
            #expect(unfolded.contains("Emergency contact: +49 30 5555 0199 (alpha duty officer)"))
            (status, headers, card) = try await body(app, "/teams/alpha-cert/keys.asc", member)
            #expect(status == .ok && headers.contentType?.subType == "pgp-keys")
            #expect(card == armored.trimmingCharacters(in: .whitespacesAndNewlines) + "\n")
            let (_, _, page) = try await body(app, "/teams/alpha-cert", member)
            #expect(page.contains(#"data-copy="7557E6E1B9A0749859028C3C94C8A1AA21D8B1E6""#) && page.contains(#"<script src="/js/copy.js" defer></script>"#))
            #expect(page.contains(#"id="keys-download" href="/teams/alpha-cert/keys.asc""#) && page.contains(#"id="vcard-download" href="/teams/alpha-cert/vcard.vcf""#))
            #expect(page.contains(#"<a href="tel:+493055550199">+49 30 5555 0199 (alpha duty officer)</a>"#))

            (status, _, _) = try await body(app, "/teams/nobody/vcard.vcf")
            #expect(status == .notFound)
        }
    }
}
