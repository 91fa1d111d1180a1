/// Pieces the CVSS versions share: the byte-level token reader of the fast parsers, the
/// component reader of the v2 and v3.x general parsers, the qualitative severity scale of
/// v3.x and v4.0, and fixed-point formatting for the details.
enum CVSSText {
    /// Reads one `METRIC:VALUE` component of a v2 or v3.x vector against its metric table
    /// (`names` gives each metric's index, `values` its allowed values), with the errors both
    /// versions give: names and values are case-sensitive (with a hint), and a metric that is
    /// already in `given` may not appear again.
    static func metricAndValue(_ component: Substring, names: [String: Int], values: (Int) -> [String], version: String,
                               given: [String: String]) throws(CVSSError) -> (index: Int, name: String, value: String) {
        let parts = component.split(separator: ":", omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard parts.count == 2 else {
            throw CVSSError(metric: names[name] == nil ? nil : name, "“\(component)” is not of the form METRIC:VALUE")
        }
        guard let index = names[name] else {
            if name.isEmpty { throw CVSSError("“\(component)” has no metric name") }
            let hint = names.keys.first { $0.uppercased() == name.uppercased() }
                .map { "; metric names are case-sensitive: did you mean \($0)?" } ?? ""
            throw CVSSError(metric: name, "“\(name)” is not a CVSS \(version) metric\(hint)")
        }
        let allowed = values(index)
        let value = String(parts[1])
        guard allowed.contains(value) else {
            let hint = allowed.contains(value.uppercased()) ? "; values are case-sensitive" : ""
            throw CVSSError(metric: name, "“\(value)” is not a value of \(name) (\(allowed.joined(separator: ", ")))\(hint)")
        }
        if given[name] != nil {
            throw CVSSError(metric: name, "\(name) appears more than once")
        }
        return (index, name, value)
    }

    /// The one to three bytes at `start` up to `terminator` (or the end, for a value), packed
    /// little-endian, and the index just past the terminator (for a name) or of it (for a value).
    @inline(__always)
    static func token(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ terminator: UInt8) -> (UInt32, Int)? {
        let n = bytes.count
        let isName = terminator == UInt8(ascii: ":")
        // A value may end the vector; a name may not.
        @inline(__always) func ends(_ k: Int) -> Bool { k < n ? bytes[k] == terminator : !isName }
        guard start < n else { return nil }
        // A NUL byte would pack like a shorter token ("A\0" as "A"): refuse it.
        let b0 = UInt32(bytes[start])
        guard b0 != 0 else { return nil }
        if ends(start + 1) { return (b0, isName ? start + 2 : start + 1) }
        guard start + 1 < n else { return nil }
        let b1 = UInt32(bytes[start + 1]) << 8
        guard b1 != 0 else { return nil }
        if ends(start + 2) { return (b0 | b1, isName ? start + 3 : start + 2) }
        guard start + 2 < n else { return nil }
        let b2 = UInt32(bytes[start + 2]) << 16
        guard b2 != 0 else { return nil }
        if ends(start + 3) { return (b0 | b1 | b2, isName ? start + 4 : start + 3) }
        return nil
    }

    /// The qualitative severity rating scale of v3.x (section 5) and v4.0 (section 6):
    /// None 0.0, Low 0.1–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0 (score × 10).
    static func severity(tenths: Int) -> String {
        switch tenths {
        case ...0: "None"
        case ...39: "Low"
        case ...69: "Medium"
        case ...89: "High"
        default: "Critical"
        }
    }

    /// `n` × 10^−`places` written out with all `places` decimals.
    static func fixed(_ n: Int64, _ places: Int) -> String {
        var digits = String(n.magnitude)
        while digits.count <= places { digits = "0" + digits }
        let split = digits.index(digits.endIndex, offsetBy: -places)
        return (n < 0 ? "-" : "") + digits[..<split] + "." + digits[split...]
    }
}
