import Crypto
import Foundation

/// A sample in the artifact registry: its hashes and what is known of it, which teams hold it,
/// and who a holder shared it with. The sample itself is stored as uploaded and served only
/// inside an encrypted ZIP (`EncryptedZip`).
public struct Artifact: Sendable, Hashable, Codable {
    public struct Ask: Sendable, Hashable, Codable {
        public var requestID: UUID
        public var requesterUserID: UUID
        public var requesterName: String
        public var at: Date
        public var shared: Bool
    }

    public var id: UUID
    public var sha256: String
    public var sha1: String?
    public var md5: String?
    public var size: Int?
    public var fileType: String?
    /// File names the sample is known by, each cleaned (`FileName.clean`) whoever sets them.
    public var names: [String] {
        didSet {
            let clean = Self.cleanNames(names)
            if clean != names { names = clean }
        }
    }
    public var firstSeen: Date
    public var tlp: TLPLabel
    public var audience: Audience
    public var holderTeamIDs: [UUID]
    public var registeredBy: UUID
    /// Whether the registry stores the sample (or only its hashes).
    public var hasSample: Bool
    /// People a holder shared the sample with.
    public var sharedWith: [UUID]
    /// Requests that asked for this sample, for the holders to decide on.
    public var asks: [Ask]

    public var access: SharedItemAccess { SharedItemAccess(tlp: tlp, audience: audience, authorUserID: registeredBy) }

    public static let maximumSize = 32 * 1024 * 1024

    /// Registers an uploaded sample: hashes computed here, type from the first bytes.
    public static func uploaded(_ bytes: [UInt8], name: String, id: UUID, tlp: TLPLabel, audience: Audience, by actor: Actor,
                                at now: Date) throws(ValidationFailure) -> Artifact {
        guard !bytes.isEmpty, bytes.count <= maximumSize else {
            throw ValidationFailure([FieldError(field: "file", message: "Upload a file of 1 byte to \(maximumSize / 1024 / 1024) MiB.")])
        }
        let artifact = Artifact(
            id: id, sha256: Hex.lowercase(SHA256.hash(data: bytes)), sha1: Hex.lowercase(Insecure.SHA1.hash(data: bytes)), md5: Hex.lowercase(Insecure.MD5.hash(data: bytes)),
            size: bytes.count, fileType: FileMagic.identify(bytes), names: cleanNames([name]), firstSeen: now, tlp: tlp, audience: audience,
            holderTeamIDs: actor.teamID.map { [$0] } ?? [], registeredBy: actor.userID, hasSample: true, sharedWith: [], asks: [])
        try artifact.check(by: actor)
        return artifact
    }

    /// Registers a sample by its hashes only; SHA-256 is required, MD5 and SHA-1 optional.
    public static func hashesOnly(sha256: String, sha1: String?, md5: String?, names: [String], id: UUID, tlp: TLPLabel, audience: Audience,
                                  by actor: Actor, at now: Date) throws(ValidationFailure) -> Artifact {
        var errors: [FieldError] = []
        func hash(_ text: String?, length: Int, field: String) -> String? {
            guard let text = text?.trimmingCharacters(in: .whitespaces).lowercased(), !text.isEmpty else { return nil }
            guard text.count == length, text.allSatisfy(\.isHexDigit) else {
                errors.append(FieldError(field: field, message: "A \(field.uppercased()) is \(length) hexadecimal digits."))
                return nil
            }
            return text
        }
        let sha256 = hash(sha256, length: 64, field: "sha256")
        if sha256 == nil, !errors.contains(where: { $0.field == "sha256" }) {
            errors.append(FieldError(field: "sha256", message: "The SHA-256 is required."))
        }
        let artifact = Artifact(
            id: id, sha256: sha256 ?? "", sha1: hash(sha1, length: 40, field: "sha1"), md5: hash(md5, length: 32, field: "md5"), size: nil,
            fileType: nil, names: cleanNames(names), firstSeen: now, tlp: tlp, audience: audience, holderTeamIDs: actor.teamID.map { [$0] } ?? [],
            registeredBy: actor.userID, hasSample: false, sharedWith: [], asks: [])
        guard errors.isEmpty else { throw ValidationFailure(errors) }
        try artifact.check(by: actor)
        return artifact
    }

    /// Samples are registered by people of active member teams, for their team.
    public static func canRegister(_ actor: Actor?) -> Bool {
        actor?.teamID != nil && SharedItem.canShare(actor)
    }

    private func check(by actor: Actor) throws(ValidationFailure) {
        guard Self.canRegister(actor) else {
            throw ValidationFailure([FieldError(field: "author", message: "Samples are registered by people of active member teams, for their team.")])
        }
        let problems = AccessPolicy.problems(tlp: tlp, audience: audience, sharedBy: actor)
        if !problems.isEmpty { throw ValidationFailure(problems) }
    }

    /// The registry entry (not the sample) is read under its label and audience, and by the
    /// people a holder shared the sample with.
    public func canRead(_ reader: Actor?) -> Bool {
        AccessPolicy.canRead(access, reader: reader) || (reader.map { sharedWith.contains($0.userID) } ?? false)
    }

    /// The sample itself goes to the people of the holder teams and to those a holder shared it
    /// with, never further, whatever the label of its metadata.
    public func canDownload(_ reader: Actor?) -> Bool {
        guard hasSample, let reader, canRead(reader) else { return false }
        if sharedWith.contains(reader.userID) { return true }
        guard let team = reader.teamID, holderTeamIDs.contains(team) else { return false }
        return reader.teamStatus == .active || reader.teamStatus == .suspended
    }

    /// Whether `reader` may decide for a holder team (share, see who asked).
    public func isHolder(_ reader: Actor?) -> Bool {
        guard let team = reader?.teamID else { return false }
        return holderTeamIDs.contains(team) && reader?.teamStatus == .active
    }

    /// A request asked for this sample: remembered for the holders, who decide.
    public mutating func recordAsk(requestID: UUID, requester: UUID, requesterName: String, at now: Date) {
        guard !asks.contains(where: { $0.requestID == requestID }) else { return }
        asks.append(Ask(requestID: requestID, requesterUserID: requester, requesterName: requesterName, at: now, shared: false))
    }

    /// A holder shares the sample with the person who asked.
    public mutating func share(askedBy requestID: UUID, by actor: Actor) throws(ValidationFailure) -> UUID {
        guard isHolder(actor) else { throw ValidationFailure([FieldError(field: "holder", message: "Only people of a team that holds the sample share it.")]) }
        guard hasSample else { throw ValidationFailure([FieldError(field: "sample", message: "The registry has only the hashes; share the sample directly.")]) }
        guard let index = asks.firstIndex(where: { $0.requestID == requestID }) else {
            throw ValidationFailure([FieldError(field: "ask", message: "Nobody asked for this sample with that request.")])
        }
        asks[index].shared = true
        if !sharedWith.contains(asks[index].requesterUserID) { sharedWith.append(asks[index].requesterUserID) }
        return asks[index].requesterUserID
    }

    /// The hashes a text may name this sample by.
    public func isNamed(by hash: String) -> Bool {
        let text = hash.trimmingCharacters(in: .whitespaces).lowercased()
        return !text.isEmpty && [sha256, sha1, md5].contains(text)
    }

    private static func cleanNames(_ names: [String]) -> [String] {
        Array(Set(names.compactMap(FileName.clean))).sorted()
    }

    public static func sha256Hex(_ bytes: [UInt8]) -> String { Hex.lowercase(SHA256.hash(data: bytes)) }
}

/// What kind of file a sample is, from its first bytes ("magic numbers").
public enum FileMagic {
    public static func identify(_ bytes: [UInt8]) -> String {
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<offset + prefix.count]) == prefix
        }
        if starts([0x4D, 0x5A]) { return "PE executable (MZ)" }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return "ELF executable" }
        if starts([0xCF, 0xFA, 0xED, 0xFE]) || starts([0xCE, 0xFA, 0xED, 0xFE]) || starts([0xCA, 0xFE, 0xBA, 0xBE]) { return "Mach-O executable" }
        if starts(Array("%PDF".utf8)) { return "PDF document" }
        if starts([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return "OLE2 compound document (legacy Office)" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "ZIP archive (or Office Open XML, JAR, APK)" }
        if starts([0x1F, 0x8B]) { return "gzip" }
        if starts(Array("Rar!".utf8)) { return "RAR archive" }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return "7-Zip archive" }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "PNG image" }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG image" }
        if starts(Array("#!".utf8)) { return "script (shebang)" }
        if starts(Array("{\\rtf".utf8)) { return "RTF document" }
        if starts([0x64, 0x65, 0x78, 0x0A]) { return "Android DEX" }
        let sample = bytes.prefix(512)
        if !sample.isEmpty, sample.allSatisfy({ $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || (0x20..<0x7F).contains($0) }) { return "text" }
        return "data"
    }
}
