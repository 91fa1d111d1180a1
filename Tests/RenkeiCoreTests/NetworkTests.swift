import Testing
@testable import RenkeiCore

@Suite struct NetworkTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"),
        ("2001:DB8::1", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),          // RFC 5952 4.2.3: first longest run
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),        // RFC 5952 4.2.2: no :: for one group
        ("::", "::"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("fe80::", "fe80::"),
    ])
    func addressesParseToCanonicalText(input: String, canonical: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == canonical)
    }

    @Test(arguments: ["192.0.2", "192.0.2.256", "192.0.2.01", "1.2.3.4.5", "2001:db8::1::2", "2001:db8:g::1", "", "1:2:3:4:5:6:7:8:9", ":::"])
    func malformedAddressesAreRefused(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func prefixWithHostBitsNamesTheNetwork() {
        #expect(throws: IPPrefix.ParseError.hostBitsSet(given: "192.0.2.1/24", network: "192.0.2.0/24")) {
            try IPPrefix(parsing: "192.0.2.1/24")
        }
        #expect(throws: IPPrefix.ParseError.hostBitsSet(given: "2001:db8::1/32", network: "2001:db8::/32")) {
            try IPPrefix(parsing: "2001:db8::1/32")
        }
        #expect(throws: IPPrefix.ParseError.malformed("10.0.0.0/33")) { try IPPrefix(parsing: "10.0.0.0/33") }
        #expect(throws: IPPrefix.ParseError.malformed("10.0.0.0/")) { try IPPrefix(parsing: "10.0.0.0/") }
    }

    @Test func prefixContainmentAndOverlap() throws {
        let net = try IPPrefix(parsing: "198.18.0.0/15")
        #expect(net.contains(IPAddress("198.19.255.255")!))
        #expect(!net.contains(IPAddress("198.20.0.0")!))
        #expect(!net.contains(IPAddress("::1")!))
        #expect(net.overlaps(try IPPrefix(parsing: "198.19.4.0/24")))
        #expect(!net.overlaps(try IPPrefix(parsing: "198.20.0.0/16")))
        #expect(try IPPrefix(parsing: "0.0.0.0/0").contains(IPAddress("203.0.113.7")!))
        #expect(try IPPrefix(parsing: "2001:db8:1a::/48").description == "2001:db8:1a::/48")
    }

    @Test func rangesSplitIntoTheFewestCoveringPrefixes() throws {
        let v4 = try #require(IPPrefix.covering(from: IPAddress("192.0.2.5")!, through: IPAddress("192.0.2.20")!))
        #expect(v4.map(\.description) == ["192.0.2.5/32", "192.0.2.6/31", "192.0.2.8/29", "192.0.2.16/30", "192.0.2.20/32"])
        let whole = try #require(IPPrefix.covering(from: IPAddress("0.0.0.0")!, through: IPAddress("255.255.255.255")!))
        #expect(whole.map(\.description) == ["0.0.0.0/0"])
        let v6 = try #require(IPPrefix.covering(from: IPAddress("2001:db8::")!, through: IPAddress("2001:db8::ff")!))
        #expect(v6.map(\.description) == ["2001:db8::/120"])
        #expect(IPPrefix.covering(from: IPAddress("192.0.2.9")!, through: IPAddress("192.0.2.1")!) == nil)
    }

    @Test func autonomousSystemNumbers() {
        #expect(ASN(parsing: "AS64500")?.value == 64500)
        #expect(ASN(parsing: "64500")?.description == "AS64500")
        #expect(ASN(parsing: "as4200000000")?.value == 4_200_000_000)
        #expect(ASN(parsing: "1.10")?.value == 65546)   // asdot (RFC 5396)
        for bad in ["AS", "AS-1", "4294967296", "AS64500x", "1.65536", ""] { #expect(ASN(parsing: bad) == nil, "\(bad)") }
    }

    @Test func domainNamesAreNormalisedAndChecked() {
        #expect(DomainName(parsing: "WWW.Example.JP.")?.name == "www.example.jp")
        #expect(DomainName(parsing: ".jp")?.name == "jp")
        #expect(DomainName(parsing: "a.example.jp")?.selfAndParents == ["a.example.jp", "example.jp", "jp"])
        for bad in ["-bad.example", "under_score.example", "a..b", "192.0.2.1", "exämple.de", String(repeating: "a", count: 64) + ".example"] {
            #expect(DomainName(parsing: bad) == nil, "\(bad)")
        }
        #expect(DomainName(parsing: "xn--exmple-cua.de") != nil)
    }
}

@Suite struct BulkParsingTests {
    @Test func byteParsersAgreeWithTheGeneralParser() {
        let inputs = ["192.0.2.1", "0.0.0.0", "255.255.255.255", "2001:db8::1", "::", "::1", "1::", "2001:db8:0:0:1:0:0:1",
                      "fe80::1:2", "1:2:3:4:5:6:7:8", "::ffff:192.0.2.1", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                      "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:", "12345::", "g::1", "1.2.3", "01.2.3.4", "", ":", "1::2:"]
        for input in inputs {
            let bytes = Array(input.utf8)
            let fast = bytes.withUnsafeBufferPointer { BulkLookup.parseAddress($0, 0..<$0.count) }
            // The bulk parser answers an IPv4-mapped address as its IPv4 address (issue 12).
            #expect(fast == IPAddress(input)?.unmapped, "\(input)")
        }
        let file = Array("192.0.2.1\r\n2001:db8::7\nnonsense\n\n10.0.0.1".utf8)
        let parsed = file.withUnsafeBufferPointer { BulkLookup.addressLines($0) }
        #expect(parsed.count == 5 && parsed.v4 == [0xC000_0201, 0x0A00_0001] && parsed.v4Lines == [0, 4])
        #expect(parsed.other.map(\.line) == [1])
    }
}
