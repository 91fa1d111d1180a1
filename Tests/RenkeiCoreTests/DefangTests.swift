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

    @Test func onlyTheDefangingFormsChange() {
        #expect(Indicator.refanged("evil[x]example") == "evil[x]example")
        #expect(Indicator.refanged("[::1]") == "[::1]")
        #expect(Indicator.refanged("http://[2001:db8::1]:80/") == "http://[2001:db8::1]:80/")
        #expect(Indicator.refanged("hxxpx://a") == "hxxpx://a")
        #expect(throws: Indicator.ParseError.self) { try Indicator(parsing: "evil[x]example") }
        #expect(throws: Indicator.ParseError.self) { try Indicator(parsing: "[.]") }
    }
}
