import RenkeiCore
import Vapor

/// FluentKit has a `Page` and a `PageRequest` of its own (offset paging, unused here); these
/// names make the project's keyset types the ones every file of the server means.
typealias Page = RenkeiCore.Page
typealias PageRequest = RenkeiCore.PageRequest

/// `limit` and `cursor`, each read on its own: one that is not a plain value (`limit[]=5`)
/// counts as absent and leaves the other as it was given.
private struct PageQuery: Decodable {
    var limit: String?
    var cursor: String?

    private enum CodingKeys: String, CodingKey { case limit, cursor }

    init() {}

    init(from decoder: any Decoder) throws {
        let query = try decoder.container(keyedBy: CodingKeys.self)
        limit = try? query.decodeIfPresent(String.self, forKey: .limit)
        cursor = try? query.decodeIfPresent(String.self, forKey: .cursor)
    }
}

extension Request {
    /// `limit` and `cursor` from the query string (`PageRequest.parse`); bad ones are a 422.
    /// The query is decoded once for both: decoding it is a noticeable part of a cheap page.
    func pageRequest() throws -> PageRequest {
        let page = (try? query.decode(PageQuery.self)) ?? PageQuery()
        return try PageRequest.parse(limit: page.limit, cursor: page.cursor)
    }

    /// This request's own path and query with `cursor` set to `next`: the link to the next page,
    /// keeping every filter the reader chose.
    func nextPagePath(_ next: PageCursor) -> String {
        var components = URLComponents()
        components.path = url.path
        var items = (URLComponents(string: url.string)?.queryItems ?? []).filter { $0.name != "cursor" }
        items.append(URLQueryItem(name: "cursor", value: next.encoded))
        components.queryItems = items
        return components.string ?? url.path
    }
}

extension Response {
    /// RFC 8288 `Link: <…>; rel="next"` for API clients that page by header.
    func linkNextPage(_ next: PageCursor?, of request: Request) {
        linkNextPage(path: next.map(request.nextPagePath))
    }

    func linkNextPage(path: String?) {
        guard let path else { return }
        headers.replaceOrAdd(name: .link, value: "<\(path)>; rel=\"next\"")
    }
}
