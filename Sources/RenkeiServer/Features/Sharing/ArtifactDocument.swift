import Foundation
import RenkeiCore
import Vapor

/// A registry entry as the API returns it; who asked is shown to the holders only.
struct ArtifactDocument: Content {
    var id: UUID
    var url: String
    var tlp: String
    var sha256: String
    var sha1: String?
    var md5: String?
    var size: Int?
    var fileType: String?
    var names: [String]
    var firstSeen: Date
    var holders: [String]
    var hasSample: Bool
    var download: String?
    var asks: [Artifact.Ask]?

    init(_ artifact: Artifact, for actor: Actor?, names: DisplayNames) {
        id = artifact.id
        url = SiteURL.artifact(.value(artifact.id.uuidString)).path
        tlp = artifact.tlp.text
        sha256 = artifact.sha256
        sha1 = artifact.sha1
        md5 = artifact.md5
        size = artifact.size
        fileType = artifact.fileType
        self.names = artifact.names
        firstSeen = artifact.firstSeen
        holders = artifact.holderTeamIDs.map(names.team)
        hasSample = artifact.hasSample
        download = artifact.canDownload(actor) ? SiteURL.apiArtifactSample(.value(artifact.id.uuidString)).path : nil
        asks = artifact.isHolder(actor) ? artifact.asks : nil
    }
}

extension Artifact.Ask: Content {}
