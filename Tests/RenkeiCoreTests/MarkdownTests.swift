@testable import RenkeiCore
import Testing

@Suite struct MarkdownTests {
    @Test func blocksAndSpans() {
        let html = Markdown.html("""
            ## Summary
            Phishing from **two** hosts, see [the advisory](https://cert.example/a?x=1&y=2).
            Second line of the same *paragraph*.

            - 192.0.2.1
            - `hxxp://evil[.]example`

            1. isolate
            2. report

            > quoted

            ```
            <raw> & code
            ```
            """)
        #expect(html == """
            <h4>Summary</h4>
            <p>Phishing from <strong>two</strong> hosts, see <a href="https://cert.example/a?x=1&amp;y=2" rel="nofollow noopener noreferrer">the advisory</a>.<br>Second line of the same <em>paragraph</em>.</p>
            <ul><li>192.0.2.1</li><li><code>hxxp://evil[.]example</code></li></ul>
            <ol><li>isolate</li><li>report</li></ol>
            <blockquote>quoted</blockquote>
            <pre><code>&lt;raw&gt; &amp; code</code></pre>
            """)
    }

    @Test(arguments: [
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("[click](javascript:alert(1))", "<p>[click](javascript:alert(1))</p>"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>"),
        ("[x](https://a.example/\"onmouseover=\"alert(1))", "<p>[x](https://a.example/&quot;onmouseover=&quot;alert(1))</p>"),
        ("[x](https://a.example/\"onmouseover=\"x)", "<p><a href=\"https://a.example/&quot;onmouseover=&quot;x\" rel=\"nofollow noopener noreferrer\">x</a></p>"),
        ("`<b>` and **<i>**", "<p><code>&lt;b&gt;</code> and <strong>&lt;i&gt;</strong></p>"),
    ])
    func nothingFromTheSourceBecomesMarkup(source: String, expected: String) {
        #expect(Markdown.html(source) == expected)
    }

    @Test func unclosedFenceAndTicksStayText() {
        #expect(Markdown.html("```\nleft open") == "<pre><code>left open</code></pre>")
        #expect(Markdown.html("a `b") == "<p>a `b</p>")
        #expect(Markdown.html("snake_case_name and 2*3*4") == "<p>snake_case_name and 2*3*4</p>")
    }
}
