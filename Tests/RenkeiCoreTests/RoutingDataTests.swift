import Foundation
import Testing
@testable import RenkeiCore

@Suite struct RoutingDataTests {
    /// A routing file over 1 MiB is parsed in pieces on every core; the pieces' results must
    /// join up as if read line by line: every prefix, its origins, and skipped lines numbered
    /// in the whole file.
    @Test func aLargeFileParsedInPiecesReadsAsOneFile() {
        var lines: [String] = ["# RouteViews pfx2as, generated"]
        var expected: [String: [UInt32]] = [:]
        var bad: [Int] = []
        for index in 0..<60_000 {
            if index % 9_973 == 5 {
                lines.append("10.\(index % 256).0.1\t24\t64500")   // host bits set
                bad.append(lines.count)
                continue
            }
            let network = "10.\(index >> 8 & 0xff).\(index & 0xff).0"
            let origins: [UInt32] = index % 50 == 0 ? [UInt32(64_000 + index % 1_000), 65_551] : [UInt32(64_000 + index % 1_000)]
            lines.append("\(network)\t24\t" + origins.map(String.init).joined(separator: index % 100 == 0 ? "," : "_"))
            expected["\(network)/24"] = origins
        }
        lines.append("2001:db8:1::\t48\tAS64496")
        expected["2001:db8:1::/48"] = [64496]
        let text = lines.joined(separator: "\r\n") + "\r\n"
        #expect(text.utf8.count > 1 << 20, "large enough to be cut into pieces")

        let data = PrefixToAS.parse(text)
        #expect(data.skipped.map(\.line) == bad)
        #expect(data.skipped.allSatisfy { $0.reason.contains("host bits") })
        let found = Dictionary(uniqueKeysWithValues: data.prefixes.items.map { ($0.prefix.description, data.origins(at: $0.value).map(\.value)) })
        #expect(found == expected)
    }

    @Test func oddIPv4RangesBecomeTheExactCIDRBlocks() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let start = UInt32(truncatingIfNeeded: random.next()) & 0xFFFF_FF00 | UInt32(random.next() % 4) * 64
            let count = 1 + random.next() % 70_000
            guard UInt64(start) + count <= 1 << 32 else { continue }
            let data = RIRDelegated.parse("ripencc|NL|ipv4|\(IPAddress.v4(start))|\(count)|20200101|allocated|x\n")
            let blocks = data.prefixes.items.map(\.prefix)
            var next = UInt64(start)
            for block in blocks {
                guard case .v4(let network) = block.network else { Issue.record("not IPv4"); return }
                #expect(UInt64(network) == next, "blocks follow each other without gaps")
                next += 1 << UInt64(32 - block.length)
            }
            #expect(next == UInt64(start) + count, "and end exactly at the range's end")
            #expect(data.prefixes.items.allSatisfy { CountryCode.unpack($0.value) == "NL" })
        }
    }

    @Test func storedDatasetsReadBackAsImportedAndDamageIsReported() throws {
        let routing = PrefixToAS.parse("192.0.2.0\t24\t64500_64501\n2001:db8::\t32\t64502\n198.51.100.0\t24\t4200000000\n")
        let bytes = DatasetCoding.encode(routing)
        let back = try bytes.withUnsafeBytes { try DatasetCoding.decodeRouting($0) }
        #expect(back.prefixes == routing.prefixes && back.origins == routing.origins)

        let registration = RIRDelegated.parse("apnic|JP|ipv4|203.0.113.0|256|20100101|allocated|A\napnic|AU|asn|64510|3|20120101|assigned|B\n")
        let stored = DatasetCoding.encode(registration)
        let read = try stored.withUnsafeBytes { try DatasetCoding.decodeRegistration($0) }
        #expect(read.prefixes == registration.prefixes)
        #expect(read.asns.map { "\($0.first)+\($0.count) \($0.country)" } == ["64510+3 AU"])

        #expect(throws: DatasetCoding.Error.self, "cut short") { try Array(bytes.dropLast(3)).withUnsafeBytes { try DatasetCoding.decodeRouting($0) } }
        #expect(throws: DatasetCoding.Error.self, "another kind") { try bytes.withUnsafeBytes { try DatasetCoding.decodeRegistration($0) } }
        #expect(throws: DatasetCoding.Error.self, "empty") { try [UInt8]().withUnsafeBytes { try DatasetCoding.decodeRouting($0) } }
    }

    /// The stored order (sorted, a repeated prefix once with its last value) must answer as a
    /// table built from the file's own order does.
    @Test func normalisedColumnsAnswerAsTheFileWould() {
        var random = SplitMix64(seed: 11)
        var columns = PrefixColumns()
        for index in 0..<3_000 {
            if index % 4 == 0 {
                let high = 0x2001_0db8_0000_0000 | (random.next() % 8) << 32
                columns.append(IPPrefix(network: .v6(high: high, low: 0), length: 29 + Int(random.next() % 8)), value: Int32(index))
            } else {
                let network = 0xC000_0000 | UInt32(random.next() % 64) << 16
                columns.append(IPPrefix(network: .v4(network), length: 10 + Int(random.next() % 7)), value: Int32(index))
            }
        }
        let normalised = columns.normalised()
        #expect(normalised.count < columns.count, "the random prefixes repeat")
        let items = normalised.items
        #expect(zip(items, items.dropFirst()).allSatisfy { $0.prefix < $1.prefix })
        let fromFile = PrefixTable(columns.items), stored = PrefixTable(normalised)
        for _ in 0..<5_000 {
            let address: IPAddress = random.next() % 4 == 0
                ? .v6(high: 0x2001_0db8_0000_0000 | (random.next() % 8) << 32 | random.next() % (1 << 32), low: random.next())
                : .v4(0xC000_0000 | UInt32(truncatingIfNeeded: random.next()) & 0x3FFF_FFFF)
            let (a, b) = (fromFile.allMatches(address), stored.allMatches(address))
            #expect(a.map(\.prefix) == b.map(\.prefix) && a.map(\.value) == b.map(\.value))
        }
    }

    /// Files come from the Internet: hostile lines are skipped with a short reason, never fatal.
    @Test func hostileLinesAreSkippedWithShortReasons() {
        let rir = RIRDelegated.parse("""
            apnic|JP|asn|9999999999999999999|9999999999999999999|20200101|allocated
            apnic|JP|ipv4|0.0.0.0|4294967296|20200101|allocated
            apnic|JP|ipv6|2000::|3|20200101|allocated
            apnic|\(String(repeating: "X", count: 100_000))|ipv4|192.0.2.0|256|20200101|allocated
            apnic|JP|ipv4|192.0.2.0|256|20200101|allocated

            """)
        #expect(rir.skipped.map(\.line) == [1, 2, 3, 4])
        #expect(rir.prefixes.count == 1)
        #expect(rir.skipped.allSatisfy { $0.reason.utf8.count < 200 }, "a field of 100,000 bytes is not copied into the reason")

        let manyOrigins = (1...(PrefixToAS.maxOrigins + 1)).map(String.init).joined(separator: "_")
        let routes = PrefixToAS.parse("""
            0.0.0.0\t0\t64500
            ::\t0\t64500
            5.0.0.0\t8\t\(manyOrigins)
            1.2.4.0\t24\t\(String(repeating: "A", count: 100_000))
            \(String(repeating: "9", count: 100_000))\t24\t64500
            5.0.0.0\t8\t\((1...PrefixToAS.maxOrigins).map(String.init).joined(separator: ","))

            """)
        #expect(routes.skipped.map(\.line) == [1, 2, 3, 4, 5])
        #expect(routes.skipped.allSatisfy { $0.reason.utf8.count < 200 })
        #expect(routes.prefixes.count == 1 && routes.origins(at: routes.prefixes.v4Values[0]).count == PrefixToAS.maxOrigins)
    }

    /// A stored dataset damaged on disk is refused whole, not read into an answer or a crash.
    @Test func damagedStoredDatasetsAreRefused() throws {
        let routing = PrefixToAS.parse("192.0.2.0\t24\t64500_64501\n")
        var bytes = DatasetCoding.encode(routing)
        let originsAt = bytes.count - 12   // the first list's length: count 3, then [2, 64500, 64501]
        #expect(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: originsAt, as: UInt32.self) } == 2)
        for length: UInt32 in [0, 3, 100_000] {
            withUnsafeBytes(of: length) { bytes.replaceSubrange(originsAt..<(originsAt + 4), with: $0) }
            #expect(throws: DatasetCoding.Error.self, "origin list length \(length)") { try bytes.withUnsafeBytes { try DatasetCoding.decodeRouting($0) } }
        }

        let registration = RIRDelegated.parse("apnic|AU|asn|64510|3|20120101|assigned|B\napnic|JP|ipv4|203.0.113.0|256|20100101|allocated|A\n")
        let stored = DatasetCoding.encode(registration)
        // The AS count column is the last but one: 8-byte length, one UInt32, then countries.
        let countAt = stored.count - (8 + 2) - 4
        for count: UInt32 in [0, .max] {
            var damaged = stored
            withUnsafeBytes(of: count) { damaged.replaceSubrange(countAt..<(countAt + 4), with: $0) }
            #expect(throws: DatasetCoding.Error.self, "AS count \(count)") { try damaged.withUnsafeBytes { try DatasetCoding.decodeRegistration($0) } }
        }
        var unknownCountry = stored
        unknownCountry[unknownCountry.count - 1] = 0x7F
        #expect(throws: DatasetCoding.Error.self) { try unknownCountry.withUnsafeBytes { try DatasetCoding.decodeRegistration($0) } }

        var hostBits = PrefixColumns()
        hostBits.append(v4: 0x0A05_0000, length: 8, value: 0)
        var withHostBits = RoutingData()
        withHostBits.prefixes = hostBits
        withHostBits.origins = [1, 64500]
        #expect(throws: DatasetCoding.Error.self) { try DatasetCoding.encode(withHostBits).withUnsafeBytes { try DatasetCoding.decodeRouting($0) } }
    }
}
