import Foundation
@testable import RenkeiServer
import Testing
import VaporTesting

extension ServerTests {
    @Test func cvssAPIScoresAndExplains() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/api/v1/cvss?vector=CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H") { response in
                #expect(response.status == .ok)
                let result = try jsonObject(response)
                #expect(result["version"] as? String == "3.1")
                #expect(result["baseScore"] as? Double == 9.9 && result["baseSeverity"] as? String == "Critical")
                #expect(result["environmentalScore"] as? Double == 10.0, "the 3.1 formula; FIRST's calculator agrees")
                #expect((result["details"] as? [[String: Any]])?.isEmpty == false)
            }
            try await app.testing().test(.GET, "/api/v1/cvss?vector=CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H") { response in
                let result = try jsonObject(response)
                #expect(result["score"] as? Double == 8.6 && result["nomenclature"] as? String == "CVSS-B")
            }
            try await app.testing().test(.GET, "/api/v1/cvss?vector=CVSS:3.1/AV:Q/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H") { response in
                #expect(response.status == .unprocessableEntity)
                #expect(response.headers.contentType?.description.hasPrefix("application/problem+json") == true)
                let errors = try #require(try jsonObject(response)["errors"] as? [[String: Any]])
                #expect(errors.first?["field"] as? String == "AV")
            }
        }
    }

    @Test func cvssCalculatorWorksWithoutJavaScript() async throws {
        try await withRenkei { app, _ in
            try await app.testing().test(.GET, "/cvss/3.1?AV=N&AC=L&PR=N&UI=N&S=U&C=H&I=H&A=H&E=X") { response in
                let html = response.body.string
                #expect(html.contains("value=\"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\""))
                #expect(html.contains("<strong>9.8</strong> Critical"))
            }
            try await app.testing().test(.GET, "/cvss/4.0?vector=AV:N/AC:L/Au:N/C:P/I:P/A:P") { response in
                #expect(response.status == .seeOther)
                #expect(response.headers.first(name: .location)?.hasPrefix("/cvss/2.0?vector=") == true)
            }
            try await app.testing().test(.GET, "/cvss/2.0?vector=AV:N/AC:L/Au:N/C:P/I:P/A:P") { response in
                #expect(response.body.string.contains("<strong>7.5</strong>"))
                #expect(response.body.string.contains("name=\"Au\" value=\"N\" checked"))
            }
            try await app.testing().test(.GET, "/cvss/3.1?vector=CVSS:3.1/AV:N/") { response in
                #expect(response.status == .ok)
                #expect(response.body.string.contains("id=\"cvss-error\""))
            }
            try await app.testing().test(.GET, "/cvss/9.9") { #expect($0.status == .notFound) }
            try await app.testing().test(.GET, "/cvss") { #expect($0.headers.first(name: .location) == "/cvss/4.0") }
        }
    }
}
