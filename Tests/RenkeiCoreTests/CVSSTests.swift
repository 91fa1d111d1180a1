import Testing
@testable import RenkeiCore

/// Known scores from the specifications (and ORACLES.md); the interop suite compares many
/// thousands more with Red Hat's `cvss` package.
@Suite struct CVSSTests {
    @Test(arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1, "Medium"),          // v3.1 spec, CVE-2013-1937
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9, "Critical"),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, "Critical"),
        ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0, "High"),                               // v2 guide, CVE-2002-0392
    ])
    func baseScores(vector: String, score: Double, severity: String) throws {
        let result = try CVSS.score(vector)
        #expect(result.baseScore == score && result.baseSeverity == severity)
        #expect(!result.details.isEmpty)
    }

    @Test func v31EnvironmentalCanExceedBase() throws {
        let result = try CVSS.score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H")
        #expect(result.temporalScore == 9.9 && result.environmentalScore == 10.0)
    }

    @Test func v40RoundingTieAndNomenclature() throws {
        let tie = try CVSS.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:P/VC:H/VI:L/VA:N/SC:H/SI:H/SA:H")
        #expect(tie.score == 8.6 && tie.severity == "High" && tie.nomenclature == "CVSS-B")
        let threat = try CVSS.score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A")
        #expect(threat.nomenclature == "CVSS-BT")
    }

    @Test(arguments: [
        ("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV"),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "A"),
        ("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV"),
        ("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV"),   // v4.0 order is mandatory
        ("CVSS:4.0/AV:n/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "AV"),   // values are case-sensitive
        ("AV:N/AC:L/Au:N/C:P/I:P/A:P/", nil),
    ])
    func refusalsNameTheMetric(vector: String, metric: String?) {
        #expect { try CVSS.score(vector) } throws: { error in
            guard let error = error as? CVSSError else { return false }
            return metric == nil || error.metric == metric
        }
    }
}
