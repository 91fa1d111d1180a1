import Foundation
import Testing
@testable import RenkeiCore

// MARK: - Helpers

/// The physical lines of `text` split at CR LF, as bytes; nil when it holds a bare CR or LF
/// (which a relay could change, breaking a signature). Works on bytes because a Swift
/// `Character` holds CR LF as one.
private func crlfLines(_ text: String) -> [[UInt8]]? {
    let bytes = Array(text.utf8)
    var lines: [[UInt8]] = [[]]
    var index = 0
    while index < bytes.count {
        switch bytes[index] {
        case 13:
            guard index + 1 < bytes.count, bytes[index + 1] == 10 else { return nil }
            lines.append([])
            index += 2
        case 10:
            return nil
        default:
            lines[lines.count - 1].append(bytes[index])
            index += 1
        }
    }
    return lines
}

/// Whether `haystack` contains `needle`, byte for byte.
private func containsBytes(_ haystack: String, _ needle: String) -> Bool {
    Data(haystack.utf8).range(of: Data(needle.utf8)) != nil
}

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The refusal `body` throws, or nil when it accepts. The closure is untyped because closures
/// do not infer a typed `throws` from their context.
private func postRefusal(_ body: () throws -> Void) -> PostRefusal? {
    guard case .failure(let error) = Result(catching: body) else { return nil }
    return error as? PostRefusal
}

private enum MailFixture {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    static let author = UUID(uuidString: "00000000-0000-0000-0000-000000000500")!
    static let team = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
    static let otherTeam = UUID(uuidString: "00000000-0000-0000-0000-000000000002")!
    static let sig = UUID(uuidString: "00000000-0000-0000-0000-000000000900")!
    static let list = ListAddressing(listName: "members", listAddress: "members@lists.example.org",
                                     archiveURL: "https://renkei.example/lists/members", subscriptionURL: "https://renkei.example/lists",
                                     accountURL: "https://renkei.example/account")
    static let itemURL = "https://renkei.example/items/6F9619FF-8B86-D011-B42D-00C04FC964FF"

    static func item(_ tlp: TLPLabel, title: String = "Wombat campaign", body: String = "Scans from 198.51.100.7 against mail servers.",
                     id: UUID = UUID(), createdAt: Date = now, parentID: UUID? = nil) -> SharedItem {
        SharedItem(id: id, kind: .announcement, title: title, body: body, tags: [], tlp: tlp, audience: .community, authorUserID: author,
                   authorName: "Ada Example", authorTeamID: team, authorTeamName: "Alpha-CERT", createdAt: createdAt, indicators: [],
                   request: nil, replies: [], attachments: [], listID: nil, parentID: parentID)
    }

    static func community(endsAt: Date? = nil, posting: MailingList.Posting = .members, kind: MailingList.Kind = .community) -> MailingList {
        MailingList(id: UUID(), slug: "members", name: "Members", kind: kind, audience: .community, posting: posting, endsAt: endsAt, createdAt: now)
    }

    static let activeMember = Actor(userID: UUID(), roles: [.member], teamID: team, teamStatus: .active)
    static let suspendedMember = Actor(userID: UUID(), roles: [.member], teamID: otherTeam, teamStatus: .suspended)
    static let terminatedMember = Actor(userID: UUID(), roles: [.member], teamID: otherTeam, teamStatus: .terminated)
    static let secretariat = Actor(userID: UUID(), roles: [.member, .secretariat], teamID: nil)
}

// MARK: - Quoted-printable

@Suite struct QuotedPrintableTests {
    @Test func encodesWhatARelayCouldChange() {
        #expect(QuotedPrintable.encode("a=b") == "a=3Db")
        #expect(QuotedPrintable.encode("From me") == "=46rom me")
        #expect(QuotedPrintable.encode(".hidden") == "=2Ehidden")
        #expect(QuotedPrintable.encode("trailing ") == "trailing=20")
        #expect(QuotedPrintable.encode("tab\t") == "tab=09")
        #expect(QuotedPrintable.encode("inner space stays") == "inner space stays")
        #expect(QuotedPrintable.encode("Grüße") == "Gr=C3=BC=C3=9Fe")
        // Only a line's first "F" or "." is encoded.
        #expect(QuotedPrintable.encode("a.F") == "a.F")
    }

    @Test func lineEndsBecomeCRLF() {
        #expect(bytes(QuotedPrintable.encode("one\ntwo")) == bytes("one\r\ntwo"))
        #expect(bytes(QuotedPrintable.encode("one\r\ntwo")) == bytes("one\r\ntwo"))
        #expect(bytes(QuotedPrintable.encode("one\rtwo")) == bytes("one\r\ntwo"))
        #expect(bytes(QuotedPrintable.encode("x\n\ny\n")) == bytes("x\r\n\r\ny\r\n"))
        // Each line's start counts: "From" and "." after a line break are encoded too.
        #expect(bytes(QuotedPrintable.encode("Hello\nFrom here\n.dot")) == bytes("Hello\r\n=46rom here\r\n=2Edot"))
    }

    @Test func longLinesAreSoftBrokenAtSeventySixOctets() {
        let encoded = QuotedPrintable.encode(String(repeating: "a", count: 300))
        let chunk = String(repeating: "a", count: 75)
        #expect(bytes(encoded) == bytes([chunk, chunk, chunk, chunk].joined(separator: "=\r\n")))

        // An escape (=XX) is never split across a soft break (a character's bytes may be).
        let accents = QuotedPrintable.encode(String(repeating: "é", count: 100))
        let lines = crlfLines(accents) ?? []
        #expect(lines.count == 8)
        #expect(lines.first.map { String(decoding: $0, as: UTF8.self) } == String(repeating: "=C3=A9", count: 12) + "=C3=")
        #expect(lines.dropLast().allSatisfy { $0.count == 76 && $0.last == UInt8(ascii: "=") })
        #expect(lines.last?.count == 75 && lines.last?.last != UInt8(ascii: "="))
    }

    static let tricky: [String] = [
        "Grüße aus Köln, 東京 — naïve café ☕️",
        String(repeating: "a", count: 300),
        String(repeating: "é", count: 100),
        "first\r\n\r\n\r\nlast",
        "",
        "From me",
        ".hidden",
        "a = b == c =",
        "ends with space \r\nand a tab\t\r\n",
        String(repeating: "x", count: 74) + " " + String(repeating: "y", count: 10),
        String(repeating: "ü", count: 37) + "\r\n" + String(repeating: "=", count: 80),
    ]

    @Test(arguments: QuotedPrintableTests.tricky)
    func everyLineIsShortCRLFAndSevenBit(_ text: String) throws {
        let encoded = QuotedPrintable.encode(text)
        let lines = try #require(crlfLines(encoded), "only CR LF line ends")
        for line in lines {
            #expect(line.count <= 76, "a line of \(line.count) octets")
            #expect(line.allSatisfy { $0 == 9 || (32...126).contains($0) }, "7-bit printable")
            #expect(line.last != 32 && line.last != 9, "no trailing white space")
        }
    }

    @Test(arguments: QuotedPrintableTests.tricky)
    func decodeReversesEncode(_ text: String) {
        #expect(QuotedPrintable.decode(QuotedPrintable.encode(text)) == bytes(text))
    }

    @Test func decodeOfLFLineEndsGivesCRLF() {
        #expect(QuotedPrintable.decode(QuotedPrintable.encode("a\n\nb")) == bytes("a\r\n\r\nb"))
    }

    @Test func decodeReadsSoftBreaksAndHex() {
        #expect(QuotedPrintable.decode("caf=C3=A9 =\r\nsoft") == bytes("café soft"))
        #expect(QuotedPrintable.decode("lf=\nonly") == bytes("lfonly"))
        #expect(QuotedPrintable.decode("lower=c3=a9") == bytes("loweré"))
        #expect(QuotedPrintable.decode("=3D=20") == bytes("= "))
        // A stray "=" that starts no escape is kept.
        #expect(QuotedPrintable.decode("a=zz") == bytes("a=zz"))
    }

    /// The encoder promises that no relay dot-stuffs or "From "-mangles a signed line: that
    /// holds for every physical line, including those that begin after a soft break.
    @Test func aLineStartingAfterASoftBreakDoesNotBeginWithFromOrDot() throws {
        for text in [String(repeating: "x", count: 75) + "From here", String(repeating: "x", count: 75) + ".dot"] {
            let lines = try #require(crlfLines(QuotedPrintable.encode(text)))
            #expect(lines.count == 2)
            for line in lines {
                #expect(line.first != UInt8(ascii: "F") && line.first != UInt8(ascii: "."),
                        "physical line “\(String(decoding: line, as: UTF8.self))” begins with F or .")
            }
            #expect(QuotedPrintable.decode(QuotedPrintable.encode(text)) == bytes(text))
        }
    }
}

// MARK: - Header text

@Suite struct HeaderTextTests {
    @Test func asciiIsUnchanged() {
        #expect(HeaderText.encode("[members] TLP:GREEN Scan report") == "[members] TLP:GREEN Scan report")
        #expect(HeaderText.encode("") == "")
    }

    @Test func nonASCIIBecomesBase64EncodedWords() {
        #expect(HeaderText.encode("Grüße") == "=?utf-8?B?R3LDvMOfZQ==?=")
        #expect(HeaderText.decode("=?utf-8?B?R3LDvMOfZQ==?=") == "Grüße")
    }

    @Test func noLineBreakSurvivesIntoAHeader() {
        for text in ["Line one\r\nBcc: victim@example.org", "Line one\nBcc: x@y", "Zeile\rzwei ü\nBcc: x"] {
            let encoded = HeaderText.encode(text)
            #expect(!encoded.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }, "\(encoded)")
        }
    }

    static let texts: [String] = [
        "Grüße aus Köln",
        String(repeating: "東京の件について", count: 12),
        "Überweisung: " + String(repeating: "ä", count: 90) + " ende",
        "Emoji 👩‍👩‍👧‍👦 and flags 🇩🇪🇯🇵 in a subject line that is rather long indeed",
    ]

    @Test(arguments: HeaderTextTests.texts)
    func encodedWordsAreShortAndDecodeBack(_ text: String) {
        let encoded = HeaderText.encode(text)
        let words = encoded.split(separator: " ")
        #expect(!words.isEmpty)
        for word in words {
            #expect(word.count <= 75, "encoded word of \(word.count) characters")
            #expect(word.hasPrefix("=?utf-8?B?") && word.hasSuffix("?="))
        }
        #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
        #expect(HeaderText.decode(encoded) == text)
    }

    @Test func decodesQWordsAndKeepsPlainText() {
        #expect(HeaderText.decode("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=") == "Grüße aus Köln")
        #expect(HeaderText.decode("Re: =?utf-8?B?w6TDtsO8?= done") == "Re: äöü done")
        // White space between adjacent encoded words is dropped; around plain text it stays.
        #expect(HeaderText.decode("=?utf-8?Q?a?= =?utf-8?Q?b?=") == "ab")
        #expect(HeaderText.decode("x =?utf-8?Q?a?= y") == "x a y")
        #expect(HeaderText.decode("no words at all") == "no words at all")
    }

    /// A Q word whose text begins with an encoded byte (`?Q?=C3...`) is common: mail clients
    /// write "Été" so. Its "?=" right after the encoding must not end the word.
    @Test func decodesAQWordThatBeginsWithAnEncodedByte() {
        #expect(HeaderText.decode("=?utf-8?Q?=C3=89t=C3=A9?=") == "Été")
        #expect(HeaderText.decode("[members] =?utf-8?Q?=E2=80=9Cquoted=E2=80=9D?=") == "[members] “quoted”")
    }
}

// MARK: - MIME entities

@Suite struct MIMEEntityTests {
    @Test func textPartRendersHeadersBlankLineAndBody() {
        let part = MIMEPart.text("Hi")
        #expect(bytes(part.rendered) == bytes("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nHi"))
        #expect(part.header("content-type") == "text/plain; charset=utf-8")
        #expect(part.header("X-Missing") == nil)
    }

    @Test func longHeadersAreFoldedAtSpacesAndUnfoldedOnReading() throws {
        let value = Array(repeating: "word", count: 30).joined(separator: " ")
        let part = MIMEPart(headers: [("Subject", value)], body: "x")
        let lines = try #require(crlfLines(part.rendered))
        #expect(lines.count > 3, "folded onto several lines")
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(ReceivedEntity(raw: part.rendered).header("subject") == value)
    }

    @Test func multipartPartsComeBackByteExact() throws {
        let parts = [
            MIMEPart.text("one"),
            MIMEPart.text("two\nthree\n"),
            MIMEPart(headers: [("Content-Type", "text/plain")], body: ""),
            MIMEPart(headers: [("Content-Type", "text/plain"), ("X-Note", "contains --=_renkei_ and -- lines")],
                     body: "--=_renkei_0000\r\n--\r\n=_renkei_ffff--"),
        ]
        let entity = MIMEPart.multipart("mixed", parts: parts)
        let received = ReceivedEntity(raw: entity.rendered)
        #expect(received.contentType == "multipart/mixed")
        let boundary = try #require(received.parameter("boundary"))
        #expect(boundary.hasPrefix("=_renkei_"))
        #expect(entity.header("Content-Type")?.contains(boundary) == true)
        for part in parts { #expect(!part.rendered.contains(boundary), "the boundary occurs in no part") }
        let back = received.parts
        try #require(back.count == parts.count)
        for (index, part) in parts.enumerated() {
            #expect(bytes(back[index].raw) == bytes(part.rendered), "part \(index) byte for byte")
        }
        #expect(back[1].decodedText == "two\nthree\n")
        #expect(received.plainText == "one")
    }

    @Test func nestedMultipartsKeepTheirOwnBoundaries() throws {
        let inner = MIMEPart.multipart("alternative", parts: [.text("plain x"), .text("plain y")])
        let outer = MIMEPart.multipart("mixed", parts: [.text("first"), inner])
        let received = ReceivedEntity(raw: outer.rendered)
        let outerBoundary = try #require(received.parameter("boundary"))
        let innerBoundary = try #require(ReceivedEntity(raw: inner.rendered).parameter("boundary"))
        #expect(outerBoundary != innerBoundary)
        #expect(!inner.rendered.contains(outerBoundary))
        try #require(received.parts.count == 2)
        #expect(bytes(received.parts[1].raw) == bytes(inner.rendered))
        let innerParts = received.parts[1].parts
        try #require(innerParts.count == 2)
        #expect(bytes(innerParts[0].raw) == bytes(MIMEPart.text("plain x").rendered))
        #expect(innerParts[1].decodedText == "plain y")
    }

    @Test func sameContentSameBoundaryDifferentContentDifferentBoundary() throws {
        let a = MIMEPart.multipart("mixed", parts: [.text("a")])
        let again = MIMEPart.multipart("mixed", parts: [.text("a")])
        let b = MIMEPart.multipart("mixed", parts: [.text("b")])
        #expect(bytes(a.rendered) == bytes(again.rendered), "rendering is deterministic, so what was signed can be rebuilt")
        #expect(ReceivedEntity(raw: a.rendered).parameter("boundary") != ReceivedEntity(raw: b.rendered).parameter("boundary"))
    }

    @Test func verbatimPartRendersExactlyItsInput() {
        let text = "Content-Type: text/plain;\r\n charset=utf-8\r\nSubject: a very\r\n\tlong subject\r\nX-Odd:   spaced  \r\n\r\nbody line\r\nsecond line\r\n"
        let part = MIMEPart(verbatim: text)
        #expect(bytes(part.rendered) == bytes(text))
        #expect(part.header("Subject") == "a very long subject")
        #expect(part.header("content-type") == "text/plain; charset=utf-8")
        #expect(part.header("X-Odd") == "spaced")
        #expect(bytes(part.body) == bytes("body line\r\nsecond line\r\n"))
        #expect(part == MIMEPart(verbatim: text))
    }

    @Test func receivedEntityReadsFoldedHeaders() {
        let raw = "From: Ada <ada@example.org>\r\nSubject: =?utf-8?B?R3LDvMOfZQ==?=\r\n and more\r\nContent-Type: text/plain;\r\n\tcharset=\"utf-8\"\r\n\r\nHello"
        let entity = ReceivedEntity(raw: raw)
        #expect(entity.header("subject") == "=?utf-8?B?R3LDvMOfZQ==?= and more")
        #expect(entity.header("Content-Type") == "text/plain; charset=\"utf-8\"")
        #expect(entity.parameter("charset") == "utf-8")
        #expect(entity.contentType == "text/plain")
        #expect(entity.rawBody == "Hello")
        #expect(entity.plainText == "Hello")
    }

    @Test func receivedEntityReadsLFOnlyMessages() throws {
        let raw = "From: a@b.example\nSubject: Hi\n  there\nContent-Type: multipart/mixed; Boundary=XYZ; charset=x\n\n"
            + "preamble\n--XYZ\nContent-Type: text/plain\n\npart one\n--XYZ\nContent-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n"
            + "caf=C3=A9\n--XYZ--\nepilogue\n"
        let entity = ReceivedEntity(raw: raw)
        #expect(entity.header("Subject") == "Hi there")
        #expect(entity.contentType == "multipart/mixed")
        #expect(entity.parameter("boundary") == "XYZ")
        #expect(entity.parameter("charset") == "x")
        #expect(entity.parameter("missing") == nil)
        let parts = entity.parts
        try #require(parts.count == 2)
        #expect(parts[0].raw == "Content-Type: text/plain\n\npart one")
        #expect(parts[0].decodedText == "part one")
        #expect(parts[1].decodedText == "café")
        #expect(entity.plainText == "part one")
    }

    @Test func receivedEntityKeepsEveryByte() {
        let input: [UInt8] = Array("Subject: x\r\n\r\n".utf8) + [0xE9, 0x00, 0xFF, 0x0D, 0x0A]
        let entity = ReceivedEntity(bytes: input)
        #expect(entity.bytes == input)
        #expect(entity.header("Subject") == "x")
    }

    @Test func quotedParameterValues() {
        let entity = ReceivedEntity(raw: "Content-Type: multipart/signed; boundary=\"abc def\"; micalg=pgp-sha256\r\n\r\n")
        #expect(entity.parameter("boundary") == "abc def")
        #expect(entity.parameter("MICALG") == "pgp-sha256")
        #expect(entity.contentType == "multipart/signed")
        #expect(ReceivedEntity(raw: "Subject: none\r\n\r\nbody").contentType == "text/plain")
    }
}

// MARK: - PGP/MIME

@Suite struct PGPMIMETests {
    static let signature = "-----BEGIN PGP SIGNATURE-----\n\niHUEARYIAB0WIQTiKrfYCFJU2sEfgK9xUpYjW3SwAwUCawksFgAKCRBxUpYjW3Sw\nA3FPAQCog3DdXaeIk/u2=\n=RXom\n-----END PGP SIGNATURE-----\n"
    static let message = "-----BEGIN PGP MESSAGE-----\n\nhF4DorJWK4IwC5sSAQdAMn/czr0B4mo2obIi9EM/P0lkxzAgMnpu/NZ9d48UvVAw\n=abcd\n-----END PGP MESSAGE-----\n"

    @Test func signedEntityIsMultipartSignedWithSHA256() throws {
        let content = MIMEPart.text("Hello, list.\nFrom the team.\n")
        let signed = PGPMIME.signed(content, signature: Self.signature)
        let type = try #require(signed.header("Content-Type"))
        #expect(type.hasPrefix("multipart/signed;"))
        #expect(type.contains("micalg=\"pgp-sha256\""))
        #expect(type.contains("protocol=\"application/pgp-signature\""))
        let lines = try #require(crlfLines(signed.rendered), "CR LF only")
        #expect(lines.allSatisfy { line in line.count <= 76 && line.allSatisfy { $0 < 128 } }, "7-bit lines of at most 76 octets")
    }

    @Test func classifyFindsTheSignedContentByteExact() throws {
        let content = ListMail.post(MailFixture.item(.amber), itemURL: MailFixture.itemURL, on: MailFixture.list)
        let signed = PGPMIME.signed(content, signature: Self.signature)
        let received = ReceivedEntity(bytes: Array(signed.rendered.utf8))
        #expect(received.parameter("micalg") == "pgp-sha256")
        #expect(received.parameter("protocol") == "application/pgp-signature")
        guard case .signed(let part, let signature) = PGPMIME.classify(received) else {
            Issue.record("a multipart/signed entity is classified as signed")
            return
        }
        #expect(bytes(part.raw) == bytes(content.rendered), "the signed bytes are the content's rendering")
        #expect(signature == Self.signature.trimmingCharacters(in: .newlines))
    }

    @Test func classifyFindsTheEncryptedMessage() throws {
        let encrypted = PGPMIME.encrypted(Self.message)
        let type = try #require(encrypted.header("Content-Type"))
        #expect(type.hasPrefix("multipart/encrypted;") && type.contains("protocol=\"application/pgp-encrypted\""))
        let received = ReceivedEntity(raw: encrypted.rendered)
        try #require(received.parts.count == 2)
        #expect(received.parts[0].contentType == "application/pgp-encrypted")
        #expect(received.parts[0].rawBody == "Version: 1")
        guard case .encrypted(let armored) = PGPMIME.classify(received) else {
            Issue.record("a multipart/encrypted entity is classified as encrypted")
            return
        }
        #expect(armored == Self.message.trimmingCharacters(in: .newlines))
    }

    @Test func anythingElseIsUnsigned() {
        let plain = ReceivedEntity(raw: "From: a@b.example\r\nContent-Type: text/plain\r\n\r\nHello")
        guard case .unsigned = PGPMIME.classify(plain) else { Issue.record("text/plain is unsigned"); return }
        let oneSided = ReceivedEntity(raw: MIMEPart.multipart("signed", parts: [.text("no signature")]).rendered)
        guard case .unsigned = PGPMIME.classify(oneSided) else { Issue.record("multipart/signed without a signature part is unsigned"); return }
        let wrongSecond = ReceivedEntity(raw: MIMEPart.multipart("signed", parts: [.text("a"), .text("not a signature")]).rendered)
        guard case .unsigned = PGPMIME.classify(wrongSecond) else { Issue.record("a second part that is no signature is unsigned"); return }
        let mixed = ReceivedEntity(raw: MIMEPart.multipart("mixed", parts: [.text("a"), .text("b")]).rendered)
        guard case .unsigned = PGPMIME.classify(mixed) else { Issue.record("multipart/mixed is unsigned"); return }
    }
}

// MARK: - Keys, delivery forms and retries

@Suite struct KeyHealthTests {
    let now = MailFixture.now
    let day = MailFixture.day

    @Test func healthOfAKey() {
        #expect(KeyHealth(expires: nil, hasKey: false, at: now) == .missing)
        #expect(KeyHealth(expires: now.addingTimeInterval(365 * day), hasKey: false, at: now) == .missing)
        #expect(KeyHealth(expires: nil, hasKey: true, at: now) == .valid)
        #expect(KeyHealth(expires: now.addingTimeInterval(31 * day), hasKey: true, at: now) == .valid)
        #expect(KeyHealth(expires: now.addingTimeInterval(30 * day), hasKey: true, at: now) == .expiringSoon(now.addingTimeInterval(30 * day)))
        #expect(KeyHealth(expires: now.addingTimeInterval(29 * day), hasKey: true, at: now) == .expiringSoon(now.addingTimeInterval(29 * day)))
        #expect(KeyHealth(expires: now.addingTimeInterval(1), hasKey: true, at: now) == .expiringSoon(now.addingTimeInterval(1)))
        #expect(KeyHealth(expires: now, hasKey: true, at: now) == .expired(now))
        #expect(KeyHealth(expires: now.addingTimeInterval(-day), hasKey: true, at: now) == .expired(now.addingTimeInterval(-day)))
    }

    @Test func usableKeys() {
        #expect(!KeyHealth.missing.isUsable)
        #expect(KeyHealth.valid.isUsable)
        #expect(KeyHealth.expiringSoon(now).isUsable)
        #expect(!KeyHealth.expired(now).isUsable)
    }
}

@Suite struct DeliveryFormTests {
    /// Columns: missing, valid, expiring soon, expired key.
    static let table: [(TLPLabel, [DeliveryForm])] = [
        (.clear, [.signed, .signed, .signed, .signed]),
        (.green, [.signed, .signed, .signed, .signed]),
        (.amber, [.notice, .encrypted, .encrypted, .notice]),
        (.amberStrict, [.notice, .encrypted, .encrypted, .notice]),
        (.red, [.notice, .encrypted, .encrypted, .notice]),
    ]

    @Test func everyLabelAndKeyState() {
        let moment = MailFixture.now
        let keys: [KeyHealth] = [.missing, .valid, .expiringSoon(moment), .expired(moment)]
        #expect(Set(Self.table.map { $0.0 }) == Set(TLPLabel.allCases))
        for (label, forms) in Self.table {
            for (key, expected) in zip(keys, forms) {
                #expect(DeliveryForm.form(for: label, key: key) == expected, "\(label.text) with \(key)")
            }
        }
    }

    @Test func rawValuesAsStored() {
        #expect(DeliveryForm.signed.rawValue == "signed")
        #expect(DeliveryForm.encrypted.rawValue == "encrypted")
        #expect(DeliveryForm.notice.rawValue == "notice")
    }
}

@Suite struct DeliveryRetryTests {
    @Test func backoffDoublesUpToFourHours() {
        let expected: [(Int, TimeInterval)] = [(0, 60), (1, 60), (2, 120), (3, 240), (4, 480), (8, 7_680), (9, 14_400), (20, 14_400), (1_000, 14_400)]
        for (attempt, delay) in expected {
            #expect(DeliveryRetry.delay(afterAttempt: attempt) == delay, "after attempt \(attempt)")
        }
        #expect(DeliveryRetry.giveUpAfter == 259_200)
    }
}

// MARK: - List mail

@Suite struct ListMailTests {
    let list = MailFixture.list

    @Test func listID() {
        #expect(list.listID == "<members.lists.example.org>")
    }

    @Test func restrictedTitlesStayOutOfTheSubject() {
        let expected: [(TLPLabel, String)] = [
            (.clear, "[members] TLP:CLEAR Wombat campaign"),
            (.green, "[members] TLP:GREEN Wombat campaign"),
            (.amber, "[members] TLP:AMBER (encrypted message)"),
            (.amberStrict, "[members] TLP:AMBER+STRICT (encrypted message)"),
        ]
        for (label, subject) in expected {
            let found = ListMail.subject(of: MailFixture.item(label), on: list)
            #expect(found == subject)
            #expect(found.contains("Wombat") == (label < .amber), "\(label.text)")
        }
    }

    @Test func postStartsWithTheLabelLine() throws {
        for label in [TLPLabel.clear, .green, .amber, .amberStrict] {
            let item = MailFixture.item(label)
            let part = ListMail.post(item, itemURL: MailFixture.itemURL, on: list)
            let text = ReceivedEntity(raw: part.rendered).decodedText
            #expect(text.hasPrefix(label.text + "\n\nWombat campaign\n"), "\(label.text): \(text.prefix(40))")
            #expect(text.contains("From: Ada Example (Alpha-CERT)"))
            #expect(text.contains(item.body))
            #expect(text.contains("On the web: \(MailFixture.itemURL)"))
            #expect(text.contains("Your subscription: \(list.subscriptionURL)"))
            // The body's "From:" line is encoded, so no relay rewrites it inside a signed entity.
            #expect(!containsBytes(part.rendered, "\r\nFrom:"))
            let lines = try #require(crlfLines(part.rendered))
            #expect(lines.allSatisfy { $0.count <= 76 })
        }
    }

    @Test func amberContentCarriesTheProtectedSubject() throws {
        let part = ListMail.post(MailFixture.item(.amber), itemURL: MailFixture.itemURL, on: list)
        #expect(part.header("Subject") == "[members] TLP:AMBER Wombat campaign")
        #expect(part.header("Content-Type") == "text/plain; charset=utf-8; protected-headers=\"v1\"")
        let received = ReceivedEntity(raw: part.rendered)
        #expect(received.header("Subject") == "[members] TLP:AMBER Wombat campaign")
        #expect(received.parameter("protected-headers") == "v1")

        let strict = ListMail.post(MailFixture.item(.amberStrict, title: "Grüße"), itemURL: MailFixture.itemURL, on: list)
        let subject = try #require(strict.header("Subject"))
        #expect(HeaderText.decode(subject) == "[members] TLP:AMBER+STRICT Grüße")

        let green = ListMail.post(MailFixture.item(.green), itemURL: MailFixture.itemURL, on: list)
        #expect(green.header("Subject") == nil, "a GREEN subject travels in the clear header already")
        #expect(green.header("Content-Type") == "text/plain; charset=utf-8")
    }

    @Test func noticeSaysWhereNotWhat() {
        let notice = ListMail.notice(for: .amber, itemURL: MailFixture.itemURL, on: list)
        let text = ReceivedEntity(raw: notice.rendered).decodedText
        #expect(text.hasPrefix("TLP:AMBER\n"))
        #expect(text.contains(MailFixture.itemURL))
        #expect(text.contains(list.accountURL))
        #expect(!text.contains("Wombat") && !text.contains("198.51.100.7"))
        #expect(ListMail.noticeSubject(for: .amberStrict, on: list) == "[members] TLP:AMBER+STRICT message waiting on the web")
    }

    @Test func labelsAreReadFromReceivedSubjects() {
        let cases: [(String, TLPLabel?, String)] = [
            ("[members] TLP:GREEN Scan report", .green, "Scan report"),
            ("Re: [members] TLP:AMBER+STRICT x", .amberStrict, "x"),
            ("no label", nil, "no label"),
            ("TLP:WHITE old", nil, "TLP:WHITE old"),
            ("  [members]   TLP:CLEAR   Spaced  ", .clear, "Spaced"),
            ("tlp:amber lower case", .amber, "lower case"),
            ("Fwd: TLP:RED secret", .red, "secret"),
            ("[members] Scan TLP:AMBER report", .amber, "Scan  report"),
        ]
        for (subject, label, title) in cases {
            let found = ListMail.label(inSubject: subject, listName: "members")
            #expect(found.label == label, "label of “\(subject)”")
            #expect(found.title == title, "title of “\(subject)”")
        }
    }

    @Test func digestCarriesTheMostRestrictiveLabel() throws {
        let itemURL: (UUID) -> String = { "https://renkei.example/items/\($0.uuidString)" }
        let empty = ListMail.digest([], itemURL: itemURL, on: list)
        #expect(empty?.subject == nil, "nothing to send")

        let older = MailFixture.item(.green, title: "Older post", createdAt: MailFixture.now)
        let newer = MailFixture.item(.amber, title: "Newer post", createdAt: MailFixture.now.addingTimeInterval(60))
        let clear = MailFixture.item(.clear, title: "Clear post", createdAt: MailFixture.now.addingTimeInterval(30))
        let digest = try #require(ListMail.digest([newer, older, clear], itemURL: itemURL, on: list))
        #expect(digest.label == .amber)
        #expect(digest.subject == "[members] TLP:AMBER digest (encrypted message)")
        let text = ReceivedEntity(raw: digest.content.rendered).decodedText
        #expect(text.hasPrefix("TLP:AMBER\n\nmembers digest: 3 posts\n"))
        let positions = ["Older post", "Clear post", "Newer post"].compactMap { text.range(of: $0)?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted(), "oldest post first")

        let open = try #require(ListMail.digest([clear, older], itemURL: itemURL, on: list))
        #expect(open.label == .green)
        #expect(open.subject == "[members] TLP:GREEN digest: 2 posts")
        let single = try #require(ListMail.digest([clear], itemURL: itemURL, on: list))
        #expect(single.label == .clear)
    }

    @Test func keyProblemReportsAndRefusal() {
        let expired = Date(timeIntervalSince1970: 1_799_971_200) // 2027-01-15
        let toAuthor = ListMail.keyProblemReport(recipientName: "Rita Rep", expired: expired, label: .amber, itemURL: MailFixture.itemURL, on: list,
                                                 toAuthor: true)
        #expect(toAuthor.subject == "[members] Undelivered TLP:AMBER message: expired PGP key")
        let authorText = ReceivedEntity(raw: toAuthor.content.rendered).decodedText
        #expect(authorText.hasPrefix("Your TLP:AMBER post to members could not be encrypted to Rita Rep: their PGP key expired on 2027-01-15."))
        #expect(authorText.contains(MailFixture.itemURL))
        let toTeam = ListMail.keyProblemReport(recipientName: "Rita Rep", expired: expired, label: .amber, itemURL: MailFixture.itemURL, on: list,
                                               toAuthor: false)
        #expect(ReceivedEntity(raw: toTeam.content.rendered).decodedText.contains("Rita Rep of your team"))
        let unusable = ListMail.keyProblemReport(recipientName: "Rita Rep", expired: nil, label: .red, itemURL: MailFixture.itemURL, on: list,
                                                 toAuthor: true)
        #expect(unusable.subject == "[members] Undelivered TLP:RED message: unusable PGP key")
        #expect(ReceivedEntity(raw: unusable.content.rendered).decodedText.hasPrefix(
            "Your TLP:RED post to members could not be encrypted to Rita Rep: GnuPG could not encrypt to their PGP key."))

        let refusal = ListMail.refusal(PostRefusal.unsigned.message, subject: "Hello", on: list)
        #expect(refusal.subject == "[members] Your post was not accepted")
        let refusalText = ReceivedEntity(raw: refusal.content.rendered).decodedText
        #expect(refusalText.contains(PostRefusal.unsigned.message) && refusalText.contains("“Hello”"))
    }
}

// MARK: - Mailing lists

@Suite struct MailingListTests {
    let now = MailFixture.now
    let day = MailFixture.day

    func fields(slug: String = "members", name: String = "Members", kind: MailingList.Kind = .community, audience: Audience = .community,
                label: TLPLabel = .amber, retention: Int = 3650, endsAt: Date? = nil) -> [String] {
        MailingList.problems(slug: slug, name: name, kind: kind, audience: audience, defaultLabel: label, retentionDays: retention, endsAt: endsAt,
                             at: now).map(\.field)
    }

    @Test func validLists() {
        #expect(fields() == [])
        #expect(fields(slug: "ab") == [])
        #expect(fields(slug: "incident-2026", kind: .temporary, endsAt: now.addingTimeInterval(day)) == [])
        #expect(fields(slug: "sig-ics", kind: .sig, audience: .sig(MailFixture.sig), label: .green) == [])
        #expect(fields(audience: .teams([MailFixture.team]), label: .clear, retention: 1) == [])
        #expect(fields(slug: String(repeating: "a", count: 40)) == [])
    }

    @Test(arguments: ["a", "A", "Members", "-lead", "trail-", "has space", "under_score", "ümlaut", String(repeating: "a", count: 41), ""])
    func badSlugs(_ slug: String) {
        #expect(fields(slug: slug) == ["slug"])
    }

    @Test func otherProblems() {
        #expect(fields(label: .red) == ["defaultLabel"])
        #expect(fields(name: "   ") == ["name"])
        #expect(fields(name: String(repeating: "n", count: 101)) == ["name"])
        #expect(fields(retention: 0) == ["retentionDays"])
        #expect(fields(retention: 3651) == ["retentionDays"])
        #expect(fields(kind: .temporary) == ["endsAt"], "a temporary list without an end date")
        #expect(fields(kind: .temporary, endsAt: now.addingTimeInterval(-day)) == ["endsAt"], "an end date in the past")
        #expect(fields(kind: .temporary, endsAt: now) == ["endsAt"], "an end date of now")
        #expect(fields(endsAt: now.addingTimeInterval(day)) == ["endsAt"], "a community list does not end")
        #expect(fields(kind: .sig, audience: .sig(MailFixture.sig), endsAt: now.addingTimeInterval(day)) == ["endsAt"])
        #expect(fields(audience: .individuals([UUID()])) == ["audience"])
        #expect(fields(audience: .teams([])) == ["audience"])
        #expect(fields(slug: "X", name: "", kind: .temporary, audience: .individuals([UUID()]), label: .red, retention: 0)
                == ["slug", "name", "defaultLabel", "retentionDays", "endsAt", "audience"], "every problem at once")
    }

    @Test func whoSubscribesAndPosts() {
        let list = MailFixture.community()
        // An active member.
        #expect(list.canSubscribe(MailFixture.activeMember))
        #expect(list.canPost(MailFixture.activeMember, at: now))
        // A suspended member reads (so subscribes) but does not share.
        #expect(list.canSubscribe(MailFixture.suspendedMember))
        #expect(!SharedItem.canShare(MailFixture.suspendedMember))
        #expect(!list.canPost(MailFixture.suspendedMember, at: now))
        // A terminated team's people neither.
        #expect(!list.canSubscribe(MailFixture.terminatedMember))
        #expect(!list.canPost(MailFixture.terminatedMember, at: now))
        // The secretariat reads no AMBER community post by role, so neither subscribes nor posts to a members list ...
        #expect(!list.canSubscribe(MailFixture.secretariat))
        #expect(!list.canPost(MailFixture.secretariat, at: now))
        // ... but alone posts to an announcement list.
        let announcements = MailFixture.community(posting: .secretariat)
        #expect(announcements.canPost(MailFixture.secretariat, at: now))
        #expect(!announcements.canPost(MailFixture.activeMember, at: now))
        #expect(announcements.canSubscribe(MailFixture.activeMember))
        // Nobody signed in.
        #expect(!list.canSubscribe(nil))
        #expect(!list.canPost(nil, at: now))
        // Who opens lists.
        #expect(MailingList.canCreate(MailFixture.secretariat))
        #expect(!MailingList.canCreate(MailFixture.activeMember))
        #expect(!MailingList.canCreate(nil))
    }

    @Test func aTemporaryListStopsTakingPostsAtItsEnd() {
        let ends = now.addingTimeInterval(day)
        let list = MailFixture.community(endsAt: ends, kind: .temporary)
        #expect(list.isOpen(at: now))
        #expect(list.canPost(MailFixture.activeMember, at: now))
        #expect(!list.isOpen(at: ends))
        #expect(!list.canPost(MailFixture.activeMember, at: ends))
        #expect(!list.canPost(MailFixture.activeMember, at: ends.addingTimeInterval(day)))
        #expect(list.canSubscribe(MailFixture.activeMember), "its archive is still read")
        let secretariatList = MailFixture.community(endsAt: ends, posting: .secretariat, kind: .temporary)
        #expect(!secretariatList.canPost(MailFixture.secretariat, at: ends.addingTimeInterval(1)))
    }

    @Test func teamAndSIGAudiences() {
        let teams = MailingList(id: UUID(), slug: "alpha-only", name: "Alpha", kind: .temporary, audience: .teams([MailFixture.team]),
                                endsAt: now.addingTimeInterval(day), createdAt: now)
        #expect(teams.canSubscribe(MailFixture.activeMember))
        #expect(!teams.canSubscribe(Actor(userID: UUID(), roles: [.member], teamID: MailFixture.otherTeam, teamStatus: .active)))
        let sig = MailingList(id: UUID(), slug: "sig-ics", name: "ICS", kind: .sig, audience: .sig(MailFixture.sig), createdAt: now)
        var participant = MailFixture.activeMember
        participant.sigSeats = [SIGSeat(sigID: MailFixture.sig, teamID: participant.teamID)]
        #expect(sig.canSubscribe(participant))
        #expect(!sig.canSubscribe(MailFixture.activeMember))
        #expect(sig.canPost(participant, at: now))
        #expect(!sig.canPost(MailFixture.activeMember, at: now))
    }

    @Test func postsByMailAreRefusedInOrder() {
        let now = self.now
        let member = MailFixture.activeMember
        let closed = MailFixture.community(endsAt: now.addingTimeInterval(-day), kind: .temporary)
        let open = MailFixture.community()
        let red = "TLP:RED goes to named people only, never to a whole team, SIG or the community."

        let steps: [(String, PostRefusal?, () throws -> Void)] = [
            ("closed list", .listClosed, {
                try closed.checkPost(by: nil, subscribed: false, signed: false, signatureValid: false, label: .red, at: now)
            }),
            ("no sender", .notAMember, {
                try open.checkPost(by: nil, subscribed: false, signed: false, signatureValid: false, label: .red, at: now)
            }),
            ("not subscribed", .notSubscribed, {
                try open.checkPost(by: member, subscribed: false, signed: false, signatureValid: false, label: .red, at: now)
            }),
            ("may not post", .mayNotPost, {
                try open.checkPost(by: MailFixture.suspendedMember, subscribed: true, signed: false, signatureValid: false, label: .red, at: now)
            }),
            ("unsigned", .unsigned, {
                try open.checkPost(by: member, subscribed: true, signed: false, signatureValid: false, label: .red, at: now)
            }),
            ("bad signature", .badSignature, {
                try open.checkPost(by: member, subscribed: true, signed: true, signatureValid: false, label: .red, at: now)
            }),
            ("RED", .labelNotAllowed(red), {
                try open.checkPost(by: member, subscribed: true, signed: true, signatureValid: true, label: .red, at: now)
            }),
            ("AMBER", nil, {
                try open.checkPost(by: member, subscribed: true, signed: true, signatureValid: true, label: .amber, at: now)
            }),
            ("CLEAR", nil, {
                try open.checkPost(by: member, subscribed: true, signed: true, signatureValid: true, label: .clear, at: now)
            }),
        ]
        for (name, expected, step) in steps {
            let refusal = postRefusal(step)
            #expect(refusal == expected, "\(name)")
        }
    }

    @Test func exitStatusesForTheMTA() {
        let expected: [(PostRefusal, Int32)] = [
            (.unknownList("x@lists.example.org"), 67), (.malformed("no text"), 65), (.undecryptable, 65),
            (.listClosed, 77), (.notAMember, 77), (.notSubscribed, 77), (.mayNotPost, 77), (.unsigned, 77), (.badSignature, 77),
            (.labelNotAllowed("why"), 77),
        ]
        for (refusal, status) in expected {
            #expect(refusal.exit.rawValue == status, "\(refusal)")
        }
        #expect(PostRefusal.unknownList("x@lists.example.org").message == "There is no list at x@lists.example.org.")
        #expect(PostRefusal.labelNotAllowed("why").message == "why")
    }
}

// MARK: - Archive threads

@Suite struct ListArchiveTests {
    @Test func threadsNewestFirstAnswersOldestFirst() {
        let t = MailFixture.now
        let rootOld = MailFixture.item(.green, title: "rootOld", createdAt: t)
        let rootNew = MailFixture.item(.green, title: "rootNew", createdAt: t.addingTimeInterval(100))
        let answerA = MailFixture.item(.green, title: "answerA", createdAt: t.addingTimeInterval(10), parentID: rootOld.id)
        let answerB = MailFixture.item(.green, title: "answerB", createdAt: t.addingTimeInterval(5), parentID: rootOld.id)
        let answerToA = MailFixture.item(.green, title: "answerToA", createdAt: t.addingTimeInterval(20), parentID: answerA.id)
        let orphan = MailFixture.item(.green, title: "orphan", createdAt: t.addingTimeInterval(50), parentID: UUID())
        let selfID = UUID()
        let selfParent = MailFixture.item(.green, title: "selfParent", id: selfID, createdAt: t.addingTimeInterval(30), parentID: selfID)
        let answerNew = MailFixture.item(.green, title: "answerNew", createdAt: t.addingTimeInterval(200), parentID: rootNew.id)

        let entries = ListArchive.threads([answerToA, orphan, rootOld, answerA, selfParent, rootNew, answerB, answerNew])
        #expect(entries.map { "\($0.item.title):\($0.depth)" } == [
            "rootNew:0", "answerNew:1", "orphan:0", "selfParent:0", "rootOld:0", "answerB:1", "answerA:1", "answerToA:2",
        ])
    }

    @Test func emptyArchive() {
        #expect(ListArchive.threads([]).isEmpty)
    }
}

// MARK: - Posting to a list and the fan-out

@Suite struct ListPostingTests {
    @Test func aPostTakesTheListsAudienceAndDefaultLabelOnlyAsAnAnnouncement() throws {
        let teams = MailingList(id: UUID(), slug: "incident", name: "Incident", kind: .temporary, audience: .teams([MailFixture.team]),
                                defaultLabel: .amberStrict, endsAt: MailFixture.now.addingTimeInterval(MailFixture.day), createdAt: MailFixture.now)
        let draft = SharedItemDraft(title: "Scan", body: "From 198.51.100.7", tlp: .green, audience: .community)
        let unlabelled = try teams.post(draft, labelled: false, by: MailFixture.activeMember, at: MailFixture.now)
        #expect(unlabelled.audience == .teams([MailFixture.team]) && unlabelled.tlp == .amberStrict)
        let labelled = try teams.post(draft, labelled: true, by: MailFixture.activeMember, at: MailFixture.now)
        #expect(labelled.audience == .teams([MailFixture.team]) && labelled.tlp == .green)

        let request = SharedItemDraft(kind: .request, title: "Anyone?", body: "Help", audience: .community, request: RequestDetails(kind: .information))
        #expect(postRefusal { _ = try teams.post(request, labelled: false, by: MailFixture.activeMember, at: MailFixture.now) } == .notAnAnnouncement)
        #expect(postRefusal { _ = try teams.post(draft, labelled: false, by: MailFixture.activeMember, at: MailFixture.now.addingTimeInterval(MailFixture.day)) }
                == .listClosed)
        #expect(postRefusal { _ = try teams.post(draft, labelled: false, by: MailFixture.suspendedMember, at: MailFixture.now) } == .mayNotPost)
        #expect(postRefusal { _ = try teams.post(draft, labelled: false, by: nil, at: MailFixture.now) } == .mayNotPost)
    }

    @Test func theSecretariatSeesEveryListAndMembersTheirOwn() {
        let teams = MailingList(id: UUID(), slug: "incident", name: "Incident", kind: .temporary, audience: .teams([MailFixture.otherTeam]),
                                retentionDays: 30, createdAt: MailFixture.now)
        #expect(teams.isVisible(to: MailFixture.secretariat))
        #expect(!teams.isVisible(to: MailFixture.activeMember))
        #expect(teams.isVisible(to: MailFixture.suspendedMember))
        #expect(!teams.isVisible(to: nil))
        #expect(teams.retentionCutoff(at: MailFixture.now) == MailFixture.now.addingTimeInterval(-30 * MailFixture.day))
    }

    @Test func mailGoesOnlyToReadersAndInTheFormTheirKeyAllows() {
        let expired = MailFixture.now.addingTimeInterval(-MailFixture.day)
        let member = MailReader(actor: MailFixture.activeMember, key: .valid)
        let keyless = MailReader(actor: Actor(userID: UUID(), roles: [.member], teamID: MailFixture.team, teamStatus: .active), key: .missing)
        let lapsed = MailReader(actor: Actor(userID: UUID(), roles: [.member], teamID: MailFixture.team, teamStatus: .active), key: .expired(expired))
        let officer = MailReader(actor: MailFixture.secretariat, key: .valid)
        let outsider = MailReader(actor: MailFixture.terminatedMember, key: .valid)
        let everyone = [member, keyless, lapsed, officer, outsider]

        #expect(MailFanOut.plan(MailFixture.item(.amber), to: everyone) == [
            MailFanOut(userID: member.actor.userID, form: .encrypted, expiredKey: nil),
            MailFanOut(userID: keyless.actor.userID, form: .notice, expiredKey: nil),
            MailFanOut(userID: lapsed.actor.userID, form: .notice, expiredKey: expired),
        ], "AMBER to the community: its members only, never an officer by role or a team whose membership ended")
        #expect(MailFanOut.plan(MailFixture.item(.green), to: everyone) == [
            MailFanOut(userID: member.actor.userID, form: .signed, expiredKey: nil),
            MailFanOut(userID: keyless.actor.userID, form: .signed, expiredKey: nil),
            MailFanOut(userID: lapsed.actor.userID, form: .signed, expiredKey: nil),
            MailFanOut(userID: officer.actor.userID, form: .signed, expiredKey: nil),
        ], "GREEN to the community includes the secretariat, signed in clear")
        #expect(DeliveryForm.personal(key: .missing) == .notice && DeliveryForm.personal(key: .expiringSoon(MailFixture.now)) == .encrypted)
    }

    @Test func aKeyForMailMustEncryptAndBeCurrent() {
        let now = MailFixture.now
        #expect(PGPKey(fingerprint: "A", armored: "", expires: now.addingTimeInterval(MailFixture.day), canEncrypt: true).problemForMail(at: now) == nil)
        #expect(PGPKey(fingerprint: "A", armored: "", canEncrypt: nil).problemForMail(at: now) == nil, "unknown capabilities are GnuPG's to refuse later")
        #expect(PGPKey(fingerprint: "A", armored: "", canEncrypt: false).problemForMail(at: now)
                == "The key cannot encrypt (it has no encryption subkey): restricted mail could not be sent to it.")
        #expect(PGPKey(fingerprint: "A", armored: "", expires: Date(timeIntervalSince1970: 1_799_971_200), canEncrypt: true).problemForMail(at: now)
                == "The key expired on 2027-01-15: extend its expiry, or give a new key.")
        #expect(KeyHealth.expiringSoon(now).isExpiringSoon && !KeyHealth.valid.isExpiringSoon && !KeyHealth.expired(now).isExpiringSoon)
    }
}
