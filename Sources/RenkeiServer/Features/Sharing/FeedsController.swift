import Foundation
import RenkeiCore
import Vapor

/// Atom feeds (RFC 4287): the public one carries TLP:CLEAR items only; a member's own feed,
/// fetched with their API token (`Authorization: Bearer` or `?token=` for feed readers that
/// cannot send headers), carries what that member may read.
struct FeedsController {
    func register(_ app: any RoutesBuilder, api: any RoutesBuilder) {
        app.get(.publicFeed, use: publicFeed)
        api.get(.memberFeed, use: memberFeed)
    }

    func publicFeed(request: Request) async throws -> Response {
        let items = try await SharedItemStore.readable(by: nil, page: PageRequest(limit: 100),
                                                       decoded: request.application.renkei.decodedItems, on: request.db).items
            .filter { AccessPolicy.mayLeave($0.tlp, through: .publicFeed) }
        return try await feed(items, title: "Renkei: public announcements", path: SiteURL.publicFeed.path, request: request)
    }

    func memberFeed(request: Request) async throws -> Response {
        guard let actor = request.currentActor else { throw AppError.unauthorized("A member feed needs your API token.") }
        let items = try await SharedItemStore.readable(by: actor, page: PageRequest(limit: 100),
                                                       decoded: request.application.renkei.decodedItems, on: request.db).items
            .filter { AccessPolicy.mayLeave($0.tlp, through: .memberFeed) }
        try await SharedItemStore.recordReads(items, channel: "feed", request: request)
        return try await feed(items, title: "Renkei: shared with \(request.currentUser?.displayName ?? "you")", path: SiteURL.memberFeed.path, request: request)
    }

    private func feed(_ items: [SharedItem], title: String, path: String, request: Request) async throws -> Response {
        let base = request.application.renkei.settings.publicURL
        let names = try await request.displayNames(for: items)
        let formatter = ISO8601DateFormatter()
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom">
            <id>\(Self.escape(base + path))</id>
            <title>\(Self.escape(title))</title>
            <updated>\(formatter.string(from: items.first?.createdAt ?? Date(timeIntervalSince1970: 0)))</updated>
            <link rel="self" href="\(Self.escape(base + path))"/>

            """
        for item in items {
            let document = SharedItemDocument(item, names: names)
            xml += """
                <entry>
                <id>urn:uuid:\(item.id.uuidString.lowercased())</id>
                <title>[\(item.tlp.text)] \(Self.escape(item.title))</title>
                <updated>\(formatter.string(from: item.createdAt))</updated>
                <author><name>\(Self.escape(item.authorName + (item.authorTeamName.map { " (\($0))" } ?? "")))</name></author>
                <link href="\(Self.escape(base + document.url))"/>
                <category term="\(item.tlp.text)" label="\(item.tlp.text)"/>
                \(item.tags.map { "<category term=\"\(Self.escape($0))\"/>" }.joined())
                <content type="text">\(Self.escape(item.tlp.text + " (" + SharedItemDocument.audienceText(of: item, names: names) + ")\n\n" + item.body))</content>
                </entry>

                """
        }
        xml += "</feed>\n"
        let response = Response(status: .ok, body: .init(string: xml))
        response.headers.contentType = HTTPMediaType(type: "application", subType: "atom+xml", parameters: ["charset": "utf-8"])
        return response
    }

    /// XML-escaped text, without the control characters XML 1.0 does not allow.
    static func escape(_ text: String) -> String {
        var allowed = String.UnicodeScalarView()
        allowed.append(contentsOf: text.unicodeScalars.filter { $0.value >= 0x20 || [0x09, 0x0A, 0x0D].contains($0.value) })
        return Markdown.escape(String(allowed))
    }
}
