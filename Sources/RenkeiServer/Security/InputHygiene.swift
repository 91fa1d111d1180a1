import RenkeiCore
import Vapor

/// A NUL character has no meaning in a search or any other query parameter, and databases
/// refuse it in text: such a request is the client's mistake (400), refused before any handler.
struct QueryHygieneMiddleware: AsyncMiddleware {
    static let maxPathBytes = 2_048

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let query = request.url.query, query.contains("\0") || query.range(of: "%00") != nil {
            throw AppError.badRequest("A query parameter may not contain a NUL character (%00).")
        }
        // No page has so long an address; the static files would ask the file system, which refuses it.
        guard request.url.path.utf8.count <= Self.maxPathBytes else { throw AppError.notFound("There is no page at so long an address.") }
        return try await next.respond(to: request)
    }
}

/// The multipart decoder, whose syntax errors (a broken body) are the client's: 400, not 500.
struct FormDataContentDecoder: ContentDecoder {
    let decoder = FormDataDecoder()

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders) throws -> D {
        try decode(D.self, from: body, headers: headers, userInfo: [:])
    }

    func decode<D: Decodable>(_ decodable: D.Type, from body: ByteBuffer, headers: HTTPHeaders,
                              userInfo: [CodingUserInfoKey: any Sendable]) throws -> D {
        if let boundary = headers.contentType?.parameters["boundary"], Self.hasNonASCIIHeaderName(body, boundary: boundary) {
            throw AppError.badRequest("The multipart/form-data body could not be read: a part's header name is not ASCII.")
        }
        do {
            return try decoder.decode(D.self, from: body, headers: headers, userInfo: userInfo)
        } catch let error as DecodingError {
            throw error
        } catch let error as any AbortError {
            throw error
        } catch {
            throw AppError.badRequest("The multipart/form-data body could not be read.")
        }
    }

    /// MultipartKit looks each byte of a part's header name up in a 128-entry table, so a byte
    /// of 128 or more there stops the whole process. Every header name after every boundary
    /// line is read here first, and such a body is refused (400) before it is parsed.
    static func hasNonASCIIHeaderName(_ body: ByteBuffer, boundary: String) -> Bool {
        let bytes = body.readableBytesView
        let delimiter = Array(("--" + boundary).utf8)
        let newline = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r"), colon = UInt8(ascii: ":")
        var searchFrom = bytes.startIndex
        while let found = bytes[searchFrom...].firstRange(of: delimiter) {
            var position = found.upperBound
            while position < bytes.endIndex, bytes[position] != newline { position += 1 }
            position += 1
            // The part's header lines, up to the blank line that ends them.
            while position < bytes.endIndex, bytes[position] != carriageReturn, bytes[position] != newline {
                var inName = true
                while position < bytes.endIndex, bytes[position] != newline {
                    if inName {
                        if bytes[position] == colon { inName = false } else if bytes[position] >= 0x80 { return true }
                    }
                    position += 1
                }
                position += 1
            }
            searchFrom = found.upperBound
        }
        return false
    }
}
