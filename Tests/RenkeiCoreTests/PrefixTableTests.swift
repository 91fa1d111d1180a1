import Testing
@testable import RenkeiCore

@Suite struct PrefixTableTests {
    func naive(_ prefixes: [(prefix: IPPrefix, value: Int32)], _ address: IPAddress) -> [IPPrefix] {
        prefixes.map(\.prefix).filter { $0.contains(address) }.sorted { $0.length > $1.length }
    }

    @Test func agreesWithAnExhaustiveSearchOnRandomNestedTables() {
        var random = SplitMix64(seed: 2024)   // deterministic, so a failure can be replayed
        for round in 0..<8 {
            var items: [(prefix: IPPrefix, value: Int32)] = []
            // Few top bits so prefixes nest and collide often, in IPv4 and IPv6 alike.
            for index in 0..<300 {
                if index % 3 == 0 {
                    let high = (UInt64(random.next() % 4) << 62) | (random.next() >> 4 & 0x0fff_ffff_0000_0000)
                    items.append((IPPrefix(network: .v6(high: high, low: random.next()), length: Int(random.next() % 129)), Int32(index)))
                } else {
                    let address = UInt32(truncatingIfNeeded: random.next()) & 0xC3FF_FFFF
                    items.append((IPPrefix(network: .v4(address), length: Int(random.next() % 33)), Int32(index)))
                }
            }
            let table = PrefixTable(items)
            let unique = Dictionary(items.map { ($0.prefix, $0) }, uniquingKeysWith: { _, last in last }).values.map { $0 }
            for _ in 0..<2000 {
                let address: IPAddress
                if random.next() % 3 == 0 {
                    address = .v6(high: (UInt64(random.next() % 4) << 62) | (random.next() >> 4 & 0x0fff_ffff_0000_0000), low: random.next())
                } else if random.next() % 2 == 0, let pick = items.randomElement(using: &random) {
                    address = pick.prefix.network   // exactly on a boundary
                } else {
                    address = .v4(UInt32(truncatingIfNeeded: random.next()) & 0xC3FF_FFFF)
                }
                let expected = naive(unique, address)
                let found = table.allMatches(address)
                #expect(found.map(\.prefix) == expected, "round \(round) address \(address)")
                if let first = found.first {
                    #expect(first.value == unique.first { $0.prefix == first.prefix }?.value)
                }
            }
        }
    }

    @Test func edgesOfTheAddressSpace() throws {
        let names = ["default", "last", "first", "v6 default", "v6 last", "doc", "doc, later"]
        let table = PrefixTable([
            (try IPPrefix(parsing: "0.0.0.0/0"), 0), (try IPPrefix(parsing: "255.255.255.255/32"), 1),
            (try IPPrefix(parsing: "0.0.0.0/32"), 2), (try IPPrefix(parsing: "::/0"), 3),
            (try IPPrefix(parsing: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"), 4),
            (try IPPrefix(parsing: "192.0.2.0/24"), 5), (try IPPrefix(parsing: "192.0.2.0/24"), 6),
        ])
        func value(_ text: String) -> String? {
            let index = table.longestMatch(IPAddress(text)!)
            return index < 0 ? nil : names[Int(table.entries[Int(index)].value)]
        }
        #expect(value("0.0.0.0") == "first")
        #expect(value("0.0.0.1") == "default")
        #expect(value("255.255.255.255") == "last")
        #expect(value("255.255.255.254") == "default")
        #expect(value("192.0.2.77") == "doc, later", "a repeated prefix keeps the last value")
        #expect(value("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "v6 last")
        #expect(value("2001:db8::1") == "v6 default")
        #expect(PrefixTable([]).longestMatch(IPAddress("192.0.2.1")!) == -1)
    }
}
