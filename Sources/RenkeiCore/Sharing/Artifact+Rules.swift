import Foundation

/// The registry's rules for a sample already known and for a request that asks for one: a
/// person who cannot read an entry learns nothing about it, neither from registering the same
/// sample nor from a notice.
extension Artifact {
    /// What registering a sample does, given the entries of the same SHA-256 already stored.
    public enum Registration: Sendable, Hashable {
        /// No entry the person may read has this sample: their registration is an entry of its
        /// own, answered exactly as for a sample nobody registered (entries they cannot read
        /// are neither shown nor changed).
        case new
        /// They may read an entry of this sample and uploaded it: their team joins its holders.
        case joinHolders(of: UUID)
        /// They may read an entry of this sample and gave only hashes: refused, since only an
        /// upload proves a team holds a sample.
        case alreadyRegistered(UUID)
    }

    public static func registration(of draft: Artifact, withSample: Bool, known: [Artifact], by actor: Actor?) -> Registration {
        guard let entry = known.first(where: { $0.sha256 == draft.sha256 && $0.canRead(actor) }) else { return .new }
        return withSample ? .joinHolders(of: entry.id) : .alreadyRegistered(entry.id)
    }

    /// The holders of `draft` (an upload of this same sample) join this entry's, with the
    /// names and hashes it adds; the entry's label and audience stay as they were.
    public mutating func addHolders(from draft: Artifact) {
        holderTeamIDs = Array(Set(holderTeamIDs + draft.holderTeamIDs)).sorted { $0.uuidString < $1.uuidString }
        names = Array(Set(names + draft.names)).sorted()
        hasSample = hasSample || draft.hasSample
        sha1 = sha1 ?? draft.sha1
        md5 = md5 ?? draft.md5
        size = size ?? draft.size
        fileType = fileType ?? draft.fileType
    }

    /// One person told that a request asks for this sample.
    public struct AskNotice: Sendable, Hashable {
        public var userID: UUID
        /// Whether the notice may name the requester and link the request: only when the
        /// person may read the request itself.
        public var showsRequest: Bool
    }

    /// Who hears that `request` asks for this sample: the people of its holder teams (of an
    /// active or suspended team) who may read this entry, and nobody else; the requester is
    /// not told of their own request. A notice names the sample, so nobody who cannot read the
    /// entry gets one.
    public func askNotices(for request: SharedItem, holders: [Actor]) -> [AskNotice] {
        holders.filter { holder in
            guard holder.userID != request.authorUserID, let team = holder.teamID, holderTeamIDs.contains(team),
                  holder.teamStatus == .active || holder.teamStatus == .suspended else { return false }
            return canRead(holder)
        }
        .sorted { $0.userID.uuidString < $1.userID.uuidString }
        .map { AskNotice(userID: $0.userID, showsRequest: AccessPolicy.canRead(request.access, reader: $0)) }
    }

    /// Whether the requester hears that the registry knows the sample they asked for: only
    /// when they may read the entry.
    public func tellsRequester(_ requester: Actor?) -> Bool {
        canRead(requester)
    }
}

/// Who reads the audit log, and what its lines show.
public enum AuditPolicy {
    /// The secretariat reads the audit log; nobody else, whatever other role they hold.
    public static func canRead(_ actor: Actor?) -> Bool {
        actor?.roles.contains(.secretariat) ?? false
    }

    /// How a line names an artifact: by its registry id, never by a hash, since a hash of a
    /// TLP:RED sample tells the secretariat (who reads the log, not the entry) what it is.
    public static func artifactSubject(_ id: UUID) -> String {
        "artifact \(id.uuidString)"
    }

    /// A subject as the log shows it. Lines written before artifacts were named by id carry a
    /// hash: it is shown as the entry's id when `entry` finds it, otherwise withheld.
    public static func shownSubject(_ subject: String, entry: (String) -> UUID?) -> String {
        guard let hash = hashInSubject(subject) else { return subject }
        return entry(hash).map(artifactSubject) ?? "artifact (hash withheld)"
    }

    /// The hash an old line names, for the caller to look the entry up.
    public static func hashInSubject(_ subject: String) -> String? {
        let parts = subject.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "artifact", [32, 40, 64].contains(parts[1].count), parts[1].allSatisfy(\.isHexDigit) else { return nil }
        return parts[1].lowercased()
    }
}
