import Foundation
import RenkeiCore
import Vapor

/// A page of items as the API answers it: byte for byte what `PageDocument` of
/// `SharedItemDocument`s encodes with the API's encoder (pretty-printed, sorted keys; a test
/// compares the two), put together from each item's document encoded once per row version and
/// audience names (`VersionedItemCache`). Encoding the documents was the largest cost of a page.
enum ItemPageJSON {
    /// One item's document as it stands in a page (indented two levels), with the audience it
    /// names: a team or person renamed since makes it again.
    struct Document: Sendable {
        var audience: SharedItemDocument.AudienceDocument
        var bytes: [UInt8]
    }

    static func response(_ page: Page<SharedItemStore.VersionedItem>, names: DisplayNames, for request: Request) throws -> Response {
        let encoder = try ContentConfiguration.global.requireEncoder(for: .json)
        let documents = request.application.renkei.itemDocuments
        var headers = HTTPHeaders()
        var body = ByteBuffer()
        body.writeString("{\n  \"items\" : [\n")
        for (index, stored) in page.items.enumerated() {
            let audience = SharedItemDocument.audience(of: stored.item, names: names)
            let document = try documents.value(for: stored.item.id, version: stored.version, where: { $0.audience == audience }) {
                var encoded = ByteBuffer()
                try encoder.encode(SharedItemDocument(stored.item, names: names), to: &encoded, headers: &headers)
                let bytes = indented(encoded.readableBytesView)
                return (Document(audience: audience, bytes: bytes), bytes.count)
            }
            if index > 0 { body.writeString(",\n") }
            body.writeBytes(document.bytes)
        }
        body.writeString("\n  ],\n  \"next\" : ")
        let nextPath = page.next.map(request.nextPagePath)
        try encoder.encode(nextPath, to: &body, headers: &headers)
        body.writeString("\n}")
        headers.contentType = .json
        let response = Response(status: .ok, headers: headers, body: .init(buffer: body))
        response.linkNextPage(path: nextPath)
        return response
    }

    /// Pretty-printed JSON moved two levels (four spaces) in, as it stands in the page's list;
    /// empty lines (inside an empty list or object) stay empty, as the encoder writes them.
    static func indented(_ json: some Collection<UInt8>) -> [UInt8] {
        var lines: [UInt8] = []
        lines.reserveCapacity(json.count * 5 / 4)
        var atLineStart = true
        for byte in json {
            if atLineStart && byte != UInt8(ascii: "\n") { lines.append(contentsOf: [0x20, 0x20, 0x20, 0x20]) }
            lines.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
        }
        return lines
    }
}
