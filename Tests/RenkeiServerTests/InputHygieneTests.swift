import Fluent
import Foundation
import RenkeiCore
@testable import RenkeiServer
import Testing
import VaporTesting

/// Issue 12, items 2, 11, 14 and 16 (IPv4-mapped lookups): input from outside never reaches a
/// header, a 500, a spreadsheet formula or a wrong answer.
extension ServerTests {
    private func isProblem(_ response: TestingHTTPResponse) -> Bool {
        response.headers.contentType?.description.hasPrefix("application/problem+json") == true
    }

    @Test func attachmentNamesCannotAddHeaders() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let body: [String: Any] = ["title": "Public note", "tlp": "TLP:CLEAR", "body": "See the file.", "audience": ["kind": "community"],
                                       "attachments": [["name": "evil\r\nSet-Cookie: x=1.txt", "content": Data("hello".utf8).base64EncodedString()]]]
            var itemID = "", url = ""
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(member), body: try jsonBody(body)) { response in
                #expect(response.status == .created, "\(response.body.string)")
                let document = try jsonObject(response)
                itemID = try #require(document["id"] as? String)
                let attachment = try #require((document["attachments"] as? [[String: Any]])?.first)
                #expect(attachment["name"] as? String == "evilSet-Cookie: x=1.txt", "cleaned at upload")
                url = try #require(attachment["url"] as? String)
            }
            try await app.testing().test(.GET, url) { response in
                #expect(response.status == .ok, "a CLEAR item's file is for anyone")
                #expect(response.headers[.contentDisposition] == ["attachment; filename=\"evilSet-Cookie: x=1.txt\"; filename*=UTF-8''evilSet-Cookie%3A%20x%3D1.txt"])
                #expect(!response.headers[.setCookie].contains { $0.contains("x=1") })
            }

            // A name stored before names were cleaned is cleaned when it is served.
            let model = try #require(try await SharedItemModel.find(UUID(uuidString: itemID), on: app.db))
            var item = try model.item()
            item.attachments[0].name = "Übersicht\r\nSet-Cookie: y=2\u{0}.pdf"
            model.document = try SharedItemModel.encode(item)
            try await model.save(on: app.db)
            try await app.testing().test(.GET, url) { response in
                #expect(response.headers[.contentDisposition]
                        == ["attachment; filename=\"_bersichtSet-Cookie: y=2.pdf\"; filename*=UTF-8''%C3%9CbersichtSet-Cookie%3A%20y%3D2.pdf"])
                #expect(response.headers[.setCookie].isEmpty)
            }
        }
    }

    @Test func sampleNamesInsideTheZipAreBareFileNames() async throws {
        try await withRenkei { app, _ in
            let holder = try await apiToken(app, "rep-alpha@test.example")
            let boundary = "renkei-test-boundary"
            var text = ""
            for (name, value) in [("tlp", "TLP:GREEN"), ("audience", "community"), ("names", "..\\..\\x.exe")] {
                text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
            }
            text += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"loader.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            text += "MZ pretend sample\r\n--\(boundary)--\r\n"
            var id = "", sha256 = ""
            try await app.testing().test(.POST, "/api/v1/artifacts", headers: ["Authorization": "Bearer \(holder)", "Content-Type": "multipart/form-data; boundary=\(boundary)"],
                                         body: ByteBuffer(string: text)) { response in
                #expect(response.status == .created, "\(response.body.string)")
                let document = try jsonObject(response)
                id = try #require(document["id"] as? String)
                sha256 = try #require(document["sha256"] as? String)
                #expect(document["names"] as? [String] == ["_._x.exe", "loader.bin"])
            }
            func entryName(_ zip: [UInt8]) -> String {
                let length = Int(zip[26]) | Int(zip[27]) << 8
                return String(decoding: zip[30..<(30 + length)], as: UTF8.self)
            }
            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)/sample.zip", headers: bearer(holder)) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentDisposition] == ["attachment; filename=\"\(sha256).zip\"; filename*=UTF-8''\(sha256).zip"])
                #expect(entryName(Array(response.body.readableBytesView)) == "_._x.exe.bin")
            }
            // A name stored before names were cleaned does not become a path inside the archive.
            let model = try #require(try await ArtifactModel.find(UUID(uuidString: id), on: app.db))
            var document = try #require(try JSONSerialization.jsonObject(with: Data(model.document.utf8)) as? [String: Any])
            document["names"] = ["..\\..\\old.exe"]
            model.document = String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
            try await model.save(on: app.db)
            #expect(try model.artifact().names == ["..\\..\\old.exe"], "stored as before the rule")
            try await app.testing().test(.GET, "/api/v1/artifacts/\(id)/sample.zip", headers: bearer(holder)) { response in
                #expect(entryName(Array(response.body.readableBytesView)) == "_._old.exe.bin")
            }
        }
    }

    @Test func aNULInASearchIsABadRequest() async throws {
        try await withRenkei { app, _ in
            let member = try await apiToken(app, "member-alpha@test.example")
            let session = try await signIn(app, "member-alpha@test.example")
            let pages = ["/items", "/artifacts", "/lists/members", "/teams", "/lookup"]
            let apis = ["/api/v1/items", "/api/v1/artifacts", "/api/v1/teams", "/api/v1/lookup", "/api/v1/lists/members/posts",
                        "/global-irt/v1/teams", "/global-irt/v1/teams.csv", "/global-irt/v1/teams.json"]
            for path in pages {
                for headers in [HTTPHeaders(), session.headers] {
                    try await app.testing().test(.GET, path + "?q=%00", headers: headers) { response in
                        #expect(response.status == .badRequest, "\(path)")
                    }
                    try await app.testing().test(.GET, path + "?q=abc%00def", headers: headers) { response in
                        #expect(response.status == .badRequest, "\(path)")
                    }
                }
            }
            for path in apis {
                for headers in [HTTPHeaders(), bearer(member, json: false)] {
                    try await app.testing().test(.GET, path + "?q=%00", headers: headers) { response in
                        #expect(response.status == .badRequest, "\(path)")
                        #expect(isProblem(response), "\(path)")
                    }
                }
            }
        }
    }

    @Test func aBrokenMultipartBodyIsABadRequestOnEveryAPIRoute() async throws {
        try await withRenkei { app, _ in
            let rep = try await apiToken(app, "rep-alpha@test.example")
            var itemID = "", fileID = ""
            try await app.testing().test(.POST, "/api/v1/items", headers: bearer(rep), body: try jsonBody([
                "title": "Note", "tlp": "TLP:CLEAR", "body": "x", "audience": ["kind": "community"],
                "attachments": [["name": "a.txt", "content": Data("a".utf8).base64EncodedString()]],
            ])) { response in
                let document = try jsonObject(response)
                itemID = try #require(document["id"] as? String)
                let url = try #require((document["attachments"] as? [[String: Any]])?.first?["url"] as? String)
                fileID = String(try #require(url.split(separator: "/").last))
            }
            let values = ["slug": "alpha-cert", "item": itemID, "file": fileID, "application": UUID().uuidString,
                          "reply": UUID().uuidString, "claim": UUID().uuidString, "token": UUID().uuidString, "version": "4.0"]
            let bodies = ["--b\r\nContent-Disposition form-data name=x\r\n\r\nvalue\r\n--b--\r\n",
                          "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue\r\n--b\r\n:\r\n\r\n",
                          // A byte of 128 or more in a header name stopped the process inside MultipartKit (found by schemathesis).
                          "--b\r\nóÀ§\u{1F}B±u\r\n--b--\r\n",
                          "--b\r\nContent-Disposition: form-data; name=\"x\"\r\nX-Ü: 1\r\n\r\nvalue\r\n--b--\r\n"]
            var checked = 0
            for route in app.routes.all where [.POST, .PUT, .PATCH].contains(route.method) {
                let path = "/" + route.path.map { component -> String in
                    if case .parameter(let name) = component { return values[name] ?? UUID().uuidString }
                    return component.description
                }.joined(separator: "/")
                guard SiteURL.isAPI(path: path) else { continue }
                for body in bodies {
                    try await app.testing().test(route.method, path, headers: ["Authorization": "Bearer \(rep)", "Content-Type": "multipart/form-data; boundary=b"],
                                                 body: ByteBuffer(string: body)) { response in
                        #expect((400..<500).contains(response.status.code), "\(route.method) \(path): \(response.status)")
                        #expect(TAXIIMedia.isTAXII(path: path) ? response.headers.contentType == TAXIIMedia.taxii : isProblem(response), "\(route.method) \(path)")
                    }
                }
                checked += 1
            }
            #expect(checked >= 8, "the API's write routes were found")
        }
    }

    @Test func csvCellsNeverStartAFormula() async throws {
        try await withRenkei { app, fixture in
            let model = try #require(try await TeamModel.find(fixture.alphaID, on: app.db))
            var record = model.record
            record.officialName = "=HYPERLINK(\"http://evil.example\",\"x\")"
            model.apply(record)
            try await model.save(on: app.db)
            try await app.testing().test(.GET, "/global-irt/v1/teams.csv?fields=short-team-name,official-team-name,phone-numbers&q=alpha") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("Alpha-CERT,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",'+49 30 5555 0100\r\n"),
                        "\(response.body.string)")
            }
        }
    }

    @Test func ipv4MappedAddressesAreLookedUpAsIPv4() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/api/v1/lookup?q=::ffff:192.0.2.9") { response in
                #expect(response.status == .ok)
                let answer = try jsonObject(response)
                #expect(answer["type"] as? String == "ipv4" && answer["indicator"] as? String == "192.0.2.9")
                let first = try #require((answer["candidates"] as? [[String: Any]])?.first)
                #expect((first["team"] as? [String: Any])?["slug"] as? String == "alpha-cert")
            }
            try await app.testing().test(.POST, "/api/v1/lookup", headers: ["Content-Type": "text/plain"],
                                         body: ByteBuffer(string: "::ffff:192.0.2.9\n::FFFF:c000:209\n")) { response in
                #expect(response.status == .ok)
                let results = try #require(try jsonObject(response)["results"] as? [[String: Any]])
                #expect(results.count == 2)
                for result in results {
                    #expect(result["type"] as? String == "ipv4")
                    #expect(((result["candidates"] as? [[String: Any]])?.first?["team"] as? [String: Any])?["slug"] as? String == "alpha-cert")
                }
            }
            try await app.testing().test(.GET, "/lookup?q=%3A%3Affff%3A192.0.2.9") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("Alpha-CERT"))
            }
        }
    }
}
