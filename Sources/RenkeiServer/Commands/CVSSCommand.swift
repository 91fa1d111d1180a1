#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import RenkeiCore

/// `renkei cvss [--json] [VECTOR...]`: scores vectors (from standard input, one per line, when
/// none are given). `--json` prints one object per line with the key names of FIRST's CVSS JSON
/// schemas. Exit status 2 when any vector is invalid, after scoring the others. Needs no database.
///
/// A feed of millions of vectors streams through: standard input is read in large blocks and
/// split into lines as bytes; each block's lines are scored on every core, each worker into its
/// own buffer, and the buffers are written in input order, so the output is the same as one
/// line at a time (the benchmark in `Benchmarks/http.sh` measures it).
enum CVSSCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        let vectors = arguments.filter { $0 != "--json" }
        if let unknown = vectors.first(where: { $0.hasPrefix("--") }) {
            FileHandle.standardError.write(Data("renkei: unknown option \(unknown); usage: renkei cvss [--json] [VECTOR...]\n".utf8))
            return 2
        }
        var output = FileOutput(descriptor: STDOUT_FILENO)
        var failed = false
        func emit(_ slices: [Scorer]) {
            for slice in slices {
                output.append(slice.output)
                if !slice.errors.isEmpty { FileHandle.standardError.write(Data(slice.errors)) }
                failed = failed || slice.failed
            }
        }
        let memos = (0..<max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))).map { _ in AnswerMemo() }
        if vectors.isEmpty {
            LineReader.forEachBlock(of: STDIN_FILENO) { lines in emit(score(lines.count, json: json, memos: memos) { trimmed(lines[$0]) }) }
        } else {
            emit(score(vectors.count, json: json, memos: memos) { vectors[$0] })
        }
        output.flush()
        return failed ? 2 : 0
    }

    /// Scores `count` vectors (nil: a blank line) in contiguous slices, one per core when there
    /// are enough to share, and returns the slices' answers in input order.
    private static func score(_ count: Int, json: Bool, memos: [AnswerMemo], vector: (Int) -> String?) -> [Scorer] {
        let workers = count < 512 ? 1 : memos.count
        let sliceSize = (count + workers - 1) / workers
        var slices = [Scorer](repeating: Scorer(json: json), count: workers)
        slices.withUnsafeMutableBufferPointer { slices in
            withoutActuallyEscaping(vector) { vector in
                let shared = SlicedWork(vector: vector, memos: memos, slices: slices)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let range = (worker * sliceSize)..<min(count, (worker + 1) * sliceSize)
                    var scorer = Scorer(json: json, memo: shared.memos[worker])
                    // About the longest answer per line: the buffer is not grown and copied while it fills.
                    scorer.output.reserveCapacity(range.count * 200)
                    for index in range {
                        if let vector = shared.vector(index) { scorer.score(vector) }
                    }
                    shared.slices[worker] = scorer
                }
            }
        }
        return slices
    }

    /// What the workers share: the input, only read, and the memos and slots of the answers,
    /// each used by its own worker alone; `concurrentPerform` returns after every worker ended.
    private struct SlicedWork: @unchecked Sendable {
        let vector: (Int) -> String?
        let memos: [AnswerMemo]
        let slices: UnsafeMutableBufferPointer<Scorer>
    }

    /// A line without surrounding spaces and tabs, nil when nothing is left. Lines that begin
    /// or end outside ASCII are trimmed by Foundation, which also removes Unicode spaces.
    private static func trimmed(_ line: UnsafeBufferPointer<UInt8>) -> String? {
        guard let first = line.first, let last = line.last else { return nil }
        if first >= 0x80 || last >= 0x80 {
            let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return text.isEmpty ? nil : text
        }
        var start = 0
        var end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        guard start < end else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: line[start..<end]), as: UTF8.self)
    }

    /// Scores vectors one at a time into its own buffers: the answers (or, with `--json`, the
    /// errors as objects) and the error messages for standard error.
    private struct Scorer {
        let json: Bool
        var output = JSONBytes()
        var errors: [UInt8] = []
        var failed = false
        private let memo: AnswerMemo?

        init(json: Bool, memo: AnswerMemo? = nil) {
            self.json = json
            self.memo = memo
        }

        mutating func score(_ vector: String) {
            if let answer = memo?.answer(for: vector) {
                output.append(answer.output)
                if !answer.error.isEmpty {
                    errors.append(contentsOf: answer.error)
                    failed = true
                }
                return
            }
            let (outputStart, errorStart) = (output.bytes.count, errors.count)
            scoreAnew(vector)
            memo?.remember(vector, AnswerMemo.Answer(output: Array(output.bytes[outputStart...]), error: Array(errors[errorStart...])))
        }

        private mutating func scoreAnew(_ vector: String) {
            do {
                let result = try CVSS.score(vector, explain: false)
                if json { writeJSON(result) } else { writeTable(result) }
            } catch {
                failed = true
                if json {
                    output.append("{\"vectorString\":")
                    output.appendJSONString(vector)
                    output.append(",\"error\":")
                    output.appendJSONString(error.description)
                    output.append("}\n")
                }
                errors.append(contentsOf: "renkei: \(vector): \(error.description)\n".utf8)
            }
        }

        /// The keys and their order of `JSONValue.object` as this command always wrote them.
        private mutating func writeJSON(_ result: CVSSResult) {
            output.append("{\"version\":\"")
            output.append(result.version.rawValue)
            output.append("\",\"vectorString\":")
            output.appendJSONString(result.vectorString)
            put("baseScore", result.baseScore)
            put("baseSeverity", result.baseSeverity)
            put("temporalScore", result.temporalScore)
            put("environmentalScore", result.environmentalScore)
            put("score", result.score)
            put("severity", result.severity)
            put("nomenclature", result.nomenclature)
            output.append("}\n")
        }

        private mutating func put(_ key: StaticString, _ number: Double?) {
            guard let number else { return }
            output.append(",\"")
            output.append(key)
            output.append("\":")
            output.appendJSONNumber(number)
        }

        private mutating func put(_ key: StaticString, _ text: String?) {
            guard let text else { return }
            output.append(",\"")
            output.append(key)
            output.append("\":")
            output.appendJSONString(text)
        }

        private mutating func writeTable(_ result: CVSSResult) {
            func format(_ score: Double?, _ severity: String?) -> String {
                score.map { Scores.oneDecimal($0) + (severity.map { " \($0)" } ?? "") } ?? "-"
            }
            let line: String
            if result.version == .v4_0 {
                line = "\(result.vectorString)  v4.0  \(format(result.score, result.severity))  \(result.nomenclature ?? "")"
            } else {
                line = "\(result.vectorString)  v\(result.version.rawValue)  base \(format(result.baseScore, result.baseSeverity))"
                    + "  temporal \(format(result.temporalScore, result.temporalSeverity))"
                    + "  environmental \(format(result.environmentalScore, result.environmentalSeverity))"
            }
            output.append(line)
            output.append("\n")
        }
    }
}

/// One worker's answers as written the first time, for the whole run: real feeds repeat
/// vectors (a vulnerability database's hundreds of thousands of entries share far fewer
/// vectors), and copying an answer is cheaper than scoring again. A feed that does not repeat turns it off after a while, so
/// it pays for remembering only at the start.
private final class AnswerMemo {
    struct Answer {
        var output: [UInt8]
        var error: [UInt8]
    }
    /// The most answers kept; later vectors are scored every time.
    static let capacity = 8_192
    /// The longest vector kept: no real one is longer.
    static let longestVector = 256
    /// Misses after which remembering stops unless at least as many lookups hit.
    static let trial = 4_096

    private var answers: [String: Answer] = [:]
    private var hits = 0
    private var misses = 0
    private var enabled = true

    /// Whether `vector` is one the memo keeps: ASCII (Swift compares other strings by canonical
    /// equivalence, and a different spelling must get its own answer) and not too long.
    static func keeps(_ vector: String) -> Bool {
        vector.utf8.count <= longestVector && vector.utf8.allSatisfy { $0 < 0x80 }
    }

    func answer(for vector: String) -> Answer? {
        guard enabled, Self.keeps(vector) else { return nil }
        if let answer = answers[vector] {
            hits += 1
            return answer
        }
        misses += 1
        if misses >= Self.trial, hits < misses {
            enabled = false
            answers = [:]
        }
        return nil
    }

    func remember(_ vector: String, _ answer: Answer) {
        guard enabled, answers.count < Self.capacity, Self.keeps(vector) else { return }
        answers[vector] = answer
    }
}

/// CVSS scores are tenths from 0 to 10: their text is looked up, not formatted, when the
/// number is exactly the double nearest to a tenth (any other number takes the general path).
private enum Scores {
    static let tenths: [(value: Double, json: [UInt8], oneDecimal: String)] = (0...100).map { tenth in
        let value = Double(tenth) / 10
        return (value, Array(JSONValue.number(value).serialized(pretty: false).utf8), String(format: "%.1f", value))
    }

    static func tenth(_ number: Double) -> Int? {
        guard number >= 0, number <= 10 else { return nil }
        let tenth = Int((number * 10).rounded())
        return tenths[tenth].value == number ? tenth : nil
    }

    static func oneDecimal(_ number: Double) -> String {
        tenth(number).map { tenths[$0].oneDecimal } ?? String(format: "%.1f", number)
    }
}

/// Reads a file descriptor in large blocks and hands out each block's complete lines without
/// their `\n` (and a `\r` before it, as `readLine` does); the last line may lack its `\n`.
private enum LineReader {
    static func forEachBlock(of descriptor: Int32, _ body: ([UnsafeBufferPointer<UInt8>]) -> Void) {
        let blockSize = 1 << 20
        var buffer = [UInt8](repeating: 0, count: blockSize)
        var filled = 0
        var lines: [UnsafeBufferPointer<UInt8>] = []
        while true {
            if filled == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            let count = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            let end = filled + count
            let consumed = buffer.withUnsafeBufferPointer { bytes in
                lines.removeAll(keepingCapacity: true)
                var start = 0
                for index in filled..<end where bytes[index] == 0x0A {
                    var lineEnd = index
                    if lineEnd > start, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    lines.append(UnsafeBufferPointer(rebasing: bytes[start..<lineEnd]))
                    start = index + 1
                }
                if !lines.isEmpty { body(lines) }
                return start
            }
            // The unfinished line moves to the front of the buffer for the next block.
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, end - consumed)
                }
            }
            filled = end - consumed
        }
        if filled > 0 {
            buffer.withUnsafeBufferPointer { bytes in body([UnsafeBufferPointer(rebasing: bytes[0..<filled])]) }
        }
    }
}

/// Bytes written to a file descriptor in large writes.
private struct FileOutput {
    let descriptor: Int32
    private var pending: [UInt8] = []
    private let capacity = 1 << 20

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    mutating func append(_ output: JSONBytes) {
        pending.append(contentsOf: output.bytes)
        if pending.count >= capacity { flush() }
    }

    mutating func flush() {
        var written = 0
        pending.withUnsafeBytes { raw in
            while written < raw.count {
                let count = write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { return }
                written += count
            }
        }
        pending.removeAll(keepingCapacity: true)
    }
}

/// Text collected as UTF-8 bytes, with JSON numbers and strings written as `JSONValue` writes them.
private struct JSONBytes {
    private(set) var bytes: [UInt8] = []

    mutating func reserveCapacity(_ count: Int) {
        bytes.reserveCapacity(count)
    }

    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ written: [UInt8]) {
        bytes.append(contentsOf: written)
    }

    /// A JSON number as `JSONValue` writes it (`9.8`, `10`).
    mutating func appendJSONNumber(_ number: Double) {
        if let tenth = Scores.tenth(number) {
            bytes.append(contentsOf: Scores.tenths[tenth].json)
        } else {
            append(JSONValue.number(number).serialized(pretty: false))
        }
    }

    /// A JSON string escaped as `JSONValue` escapes it: quote, backslash, `\n`, `\r`, `\t`,
    /// other control characters as `\u00XX`, everything else as it is.
    mutating func appendJSONString(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            bytes.append(0x22)
            // Vectors need no escaping: copied whole, not byte by byte.
            if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
                bytes.append(contentsOf: utf8)
                bytes.append(0x22)
                return
            }
            for byte in utf8 {
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
            bytes.append(0x22)
        }
    }
}
