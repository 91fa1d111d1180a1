@testable import RenkeiServer
import Testing

@Suite struct SiteURLTests {
    @Test func pathComponentsAreEscapedExactlyWhereAPathNeedsIt() {
        #expect(SiteURL.team(.value("alpha-cert_2.x~")).path == "/teams/alpha-cert_2.x~")
        #expect(SiteURL.team(.value("a b/c?d#e")).path == "/teams/a%20b%2Fc%3Fd%23e")
        #expect(SiteURL.team(.value("zürich")).path == "/teams/z%C3%BCrich")
    }
}
