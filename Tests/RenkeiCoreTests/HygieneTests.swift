import Foundation
import Testing
@testable import RenkeiCore

/// Issue 12: file names, header values, CSV cells and IPv4-mapped addresses from outside.
@Suite struct HygieneTests {
    @Test(arguments: [
        ("report.pdf", "report.pdf"),
        ("evil\r\nSet-Cookie: x=1.txt", "evilSet-Cookie: x=1.txt"),
        ("nul\u{0}byte.bin", "nulbyte.bin"),
        ("..\\..\\x.exe", "_._x.exe"),
        ("../../etc/passwd", "_._etc_passwd"),
        (".htaccess", "htaccess"),
        ("  spaced name.doc  ", "spaced name.doc"),
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        ("tab\there.txt", "tabhere.txt"),
        ("a..b...c", "a.b.c"),
        ("Bericht über Ärger.pdf", "Bericht über Ärger.pdf"),
    ])
    func fileNamesAreCleaned(raw: String, clean: String) {
        #expect(FileName.clean(raw) == clean)
    }

    @Test func namesWithNothingUsableAreRefused() {
        for raw in ["", "   ", "..", "\r\n", "\u{0}", ". ."] {
            #expect(FileName.clean(raw) == nil, "\(raw.debugDescription)")
        }
    }

    @Test func longNamesKeepTheirExtensionWithin255Bytes() throws {
        let clean = try #require(FileName.clean(String(repeating: "ä", count: 300) + ".pdf"))
        // Two bytes per "ä": 125 of them and ".pdf" are 254 bytes; a 126th would make 256.
        #expect(clean.utf8.count == 254)
        #expect(clean == String(repeating: "ä", count: 125) + ".pdf")
    }

    @Test func attachmentsAndArtifactsStoreCleanNames() throws {
        let attachment = try SharedItem.Attachment.describe([1, 2, 3], name: "a\r\nb/c.txt", id: UUID())
        #expect(attachment.name == "ab_c.txt")
        let actor = Actor(userID: UUID(), roles: [.member], teamID: UUID(), teamStatus: .active)
        let artifact = try Artifact.hashesOnly(sha256: String(repeating: "a", count: 64), sha1: nil, md5: nil,
                                           names: ["..\\..\\x.exe", "ok.bin", "\r\n"], id: UUID(), tlp: .green, audience: .community,
                                           by: actor, at: Date())
        #expect(artifact.names == ["_._x.exe", "ok.bin"])
    }

    @Test func headerValuesLoseLineBreaksAndNUL() {
        #expect(HeaderValue.clean("a\r\nSet-Cookie: x=1\u{0}b\tc") == "a  Set-Cookie: x=1 b\tc")
        #expect(HeaderText.encode("Subject\r\nBcc: x\u{0}") == "Subject  Bcc: x ")
    }

    @Test func contentDispositionFollowsRFC6266() {
        #expect(HeaderValue.contentDisposition(attachmentNamed: "report.pdf")
                == "attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf")
        #expect(HeaderValue.contentDisposition(attachmentNamed: "Ärger \"1\" 100%.txt")
                == "attachment; filename=\"_rger _1_ 100_.txt\"; filename*=UTF-8''%C3%84rger%20%221%22%20100%25.txt")
        // A name stored before names were cleaned is cleaned when served.
        #expect(HeaderValue.contentDisposition(attachmentNamed: "x\r\nSet-Cookie: a=b")
                == "attachment; filename=\"xSet-Cookie: a=b\"; filename*=UTF-8''xSet-Cookie%3A%20a%3Db")
        #expect(HeaderValue.contentDisposition(attachmentNamed: "\r\n") == "attachment; filename=\"download\"; filename*=UTF-8''download")
    }

    @Test func zipEntriesCarryACleanName() {
        let zip = EncryptedZip.archive([1, 2, 3], named: "..\\..\\x.exe", randomHeader: Array(repeating: 0, count: 11))
        // The local header's name starts at byte 30; its length is at bytes 26-27.
        let length = Int(zip[26]) | Int(zip[27]) << 8
        #expect(String(decoding: zip[30..<(30 + length)], as: UTF8.self) == "_._x.exe")
        #expect(zip[6] == 0x01 && zip[7] == 0x00)
        let unicode = EncryptedZip.archive([1], named: "Ärger.bin", randomHeader: Array(repeating: 0, count: 11))
        #expect(unicode[6] == 0x01 && unicode[7] == 0x08)
    }

    @Test func csvCellsCannotStartAFormula() {
        #expect(CSV.cell("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSV.cell("+49 30 5555") == "'+49 30 5555")
        #expect(CSV.cell("-1") == "'-1")
        #expect(CSV.cell("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSV.cell("\tcmd") == "'\tcmd")
        #expect(CSV.cell("\rcmd") == "\"'\rcmd\"")
        #expect(CSV.cell("Alpha-CERT") == "Alpha-CERT")
        #expect(CSV.cell("a,b") == "\"a,b\"")
        #expect(CSV.cell("-renkei-slug", header: true) == "-renkei-slug", "FIRST's repository property names stay exact")
    }

    @Test func globalIRTCSVUsesTheSameCells() {
        var record = TeamRecord(shortName: "=cmd", officialName: "@Formula Team", countryCode: "DE", email: "cert@formula.example",
                                emergencyContact: "+49 30 5555 0100", teamTypes: [.national], memberType: .fullMember)
        record.slug = "cmd"
        let query = try! GlobalIRT.Query(parameters: [("fields", "short-team-name,official-team-name")])
        let csv = GlobalIRT.csv(GlobalIRT.answer(query, teams: [(record, Date(timeIntervalSince1970: 0))]), query: query)
        #expect(csv == "short-team-name,official-team-name\r\n'=cmd,'@Formula Team\r\n")
    }

    @Test(arguments: [("::ffff:198.18.0.1", "ipv4", "198.18.0.1"), ("::FFFF:c612:1", "ipv4", "198.18.0.1"),
                      ("http://[::ffff:198.18.0.1]/x", "ipv4", "198.18.0.1"), ("::ffff:198.18.0.0/112", "prefix", "198.18.0.0/16"),
                      ("::198.18.0.1", "ipv6", "::c612:1"), ("2001:db8::ffff:c612:1", "ipv6", "2001:db8::ffff:c612:1")])
    func ipv4MappedAddressesAreIPv4(input: String, kind: String, normal: String) throws {
        let indicator = try Indicator(parsing: input)
        #expect(indicator.kind == kind && indicator.description == normal)
    }

    @Test func bulkLinesReadIPv4MappedAddressesAsIPv4() {
        let text = Array("::ffff:198.18.0.1\n2001:db8::1\n::ffff:c612:2\n".utf8)
        let parsed = text.withUnsafeBufferPointer { BulkLookup.addressLines($0) }
        #expect(parsed.v4 == [0xC612_0001, 0xC612_0002] && parsed.v4Lines == [0, 2])
        #expect(parsed.other.map(\.line) == [1])
    }
}
