import RenkeiCore
import Testing

@Suite struct SafeRedirectTests {
    @Test(arguments: ["/", "/teams", "/teams/alpha-cert?tab=contacts", "/items?q=a%26b", "/search?q=%C3%A4", "/lists/first-members#post-3"])
    func localPathsAreKept(_ next: String) {
        #expect(SafeRedirect.target(next) == next)
    }

    @Test(arguments: [
        "", "teams", "//evil.example", "/\\evil.example", "/%5Cevil.example", "/%2F/evil.example", "%2F%2Fevil.example",
        "/%09/evil.example", "/%0D%0ASet-Cookie:%20x=1", "/\r\nSet-Cookie: x=1", "/teams\n", "/a%00b", "/a b", "/a%20b",
        "https://evil.example/", "javascript:alert(1)", "/%E2%80%A8x", "/%C2%A0x", "/%E2%80%8Bx", "/%zz", "/%FF", "/teams/ü",
    ])
    func everythingElseGoesHome(_ next: String) {
        #expect(SafeRedirect.target(next) == "/")
    }
}
