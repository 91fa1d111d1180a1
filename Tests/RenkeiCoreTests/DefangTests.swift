import Foundation
import Testing
@testable import RenkeiCore

/// What analysts paste into the lookup: defanged indicators and IPv4-mapped IPv6 addresses.
@Suite struct DefangTests {
    @Test(arguments: [
        ("hxxps://evil[.]example/login", "domain", "evil.example"),
        ("HXXPS://EVIL[.]EXAMPLE", "domain", "evil.example"),
        ("hXXp://198.51.100[.]7/x", "ipv4", "198.51.100.7"),
        ("hxxps[:]//evil[.]example", "domain", "evil.example"),
        ("hxxp[://]evil[.]example", "domain", "evil.example"),
        ("https://evil[.]example", "domain", "evil.example"),
        ("fxp://files(.)evil(.)example", "domain", "files.evil.example"),
        ("evil(.)example", "domain", "evil.example"),
        ("evil{.}example", "domain", "evil.example"),
        ("evil[dot]example", "domain", "evil.example"),
        ("evil [.] example", "domain", "evil.example"),
        ("evil\\.example", "domain", "evil.example"),
        ("198[.]51[.]100[.]7", "ipv4", "198.51.100.7"),
        ("198.51.100.0[/]24", "prefix", "198.51.100.0/24"),
        ("2001[:]db8[:][:]1", "ipv6", "2001:db8::1"),
        ("abuse[at]evil[.]example", "domain", "evil.example"),
        ("abuse[@]evil.example", "domain", "evil.example"),
        ("abuse(at)evil(dot)example", "domain", "evil.example"),
        ("::ffff:198.51.100.7", "ipv4", "198.51.100.7"),
        ("::FFFF:C633:6407", "ipv4", "198.51.100.7"),
        ("0:0:0:0:0:ffff:198.51.100.7", "ipv4", "198.51.100.7"),
        ("[::ffff:198.51.100.7]", "ipv4", "198.51.100.7"),
        ("[2001:db8::1]", "ipv6", "2001:db8::1"),
        ("hxxp://[::ffff:198.51.100.7]:8080/", "ipv4", "198.51.100.7"),
        ("::ffff:198.51.100.0/120", "prefix", "198.51.100.0/24"),
        ("::ffff:198[.]51[.]100[.]7", "ipv4", "198.51.100.7"),
    ])
    func defangedIndicatorsAreRead(input: String, kind: String, normal: String) throws {
        let indicator = try Indicator(parsing: input)
        #expect(indicator.kind == kind)
        #expect(indicator.description == normal)
    }

    /// Lines as analysts paste them from tickets, logs and spreadsheets were refused whole.
    @Test(arguments: [
        ("192.0.2.45:443", "ipv4", "192.0.2.45"),
        ("[2001:db8::1]:8443", "ipv6", "2001:db8::1"),
        ("AS 64500", "asn", "AS64500"),
        ("ASN 64500 (Example Transit)", "asn", "AS64500"),
        ("asn64500", "asn", "AS64500"),
        ("198.18.10.7 (C2)", "ipv4", "198.18.10.7"),
        ("198.18.10.7,malware,2026-12-01", "ipv4", "198.18.10.7"),
        ("evil[.]example\tphishing kit", "domain", "evil.example"),
        ("hxxps://evil[.]example/login; reported by a customer", "domain", "evil.example"),
        ("2001:db8::1", "ipv6", "2001:db8::1"),
        ("2001:db8::443", "ipv6", "2001:db8::443"),
    ])
    func pastedLinesAreReadWithoutTheirNotesAndPorts(input: String, kind: String, normal: String) throws {
        let indicator = try Indicator(pasted: input)
        #expect(indicator.kind == kind && indicator.description == normal)
    }

    /// An import file's field is read strictly: a note or a port there is an error in the file.
    @Test func importFieldsStayStrict() {
        for field in ["192.0.2.45:443", "198.18.10.7 (C2)", "AS 64500"] {
            #expect(throws: Indicator.ParseError.self) { try Indicator(parsing: field) }
        }
        #expect(throws: Indicator.ParseError.self) { try Indicator(pasted: "192.0.2.45:99999") }
        // Words that would read as a country code or a top-level domain keep the line unreadable.
        for line in ["no such thing", "nope, not this", "asdf qwer"] {
            #expect(throws: Indicator.ParseError.self) { try Indicator(pasted: line) }
        }
    }

    @Test func onlyTheDefangingFormsChange() {
        #expect(Indicator.refanged("evil[x]example") == "evil[x]example")
        #expect(Indicator.refanged("[::1]") == "[::1]")
        #expect(Indicator.refanged("http://[2001:db8::1]:80/") == "http://[2001:db8::1]:80/")
        #expect(Indicator.refanged("hxxpx://a") == "hxxpx://a")
        #expect(throws: Indicator.ParseError.self) { try Indicator(parsing: "evil[x]example") }
        #expect(throws: Indicator.ParseError.self) { try Indicator(parsing: "[.]") }
    }
}
