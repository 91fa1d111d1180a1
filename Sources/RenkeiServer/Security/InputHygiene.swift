import RenkeiCore
import Vapor

/// A NUL character has no meaning in a search or any other query parameter, and databases
/// refuse it in text: such a request is the client's mistake (400), refused before any handler.
struct QueryHygieneMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let query = request.url.query, query.contains("\0") || query.range(of: "%00") != nil {
            throw AppError.badRequest("A query parameter may not contain a NUL character (%00).")
        }
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
}
