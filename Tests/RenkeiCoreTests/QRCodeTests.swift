import Foundation
import Testing
@testable import RenkeiCore

/// Expectations from ISO/IEC 18004 worked by hand; the interop suite decodes whole symbols with
/// an independent reader (Tests/interop/test_two_factor_qr.py).
@Suite struct QRCodeTests {
    @Test func formatInformationIsTheMaskedBCHCode() {
        // Level M (00), mask 0: all-zero data, so the code is the XOR mask itself.
        #expect(QRCode.formatBits(correction: .medium, mask: 0) == 0b101_0100_0001_0010)
        // Level L (01), mask 0: 01000 + remainder 1111010110, XOR the mask.
        #expect(QRCode.formatBits(correction: .low, mask: 0) == 0b111_0111_1100_0100)
        // Level L, mask 4: 01100 + remainder 1000111101, XOR the mask.
        #expect(QRCode.formatBits(correction: .low, mask: 4) == 0b110_0110_0010_1111)
    }

    @Test func versionInformationIsTheBCHCode() {
        #expect(QRCode.versionBits(7) == 0x07C94)
        #expect(QRCode.versionBits(8) == 0x085BC)
        #expect(QRCode.versionBits(10) == 0x0A4D3)
    }

    @Test func reedSolomonMatchesTheWorkedExample() {
        // "HELLO WORLD" at 1-M: 16 data codewords and their 10 check codewords.
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        #expect(ReedSolomon.remainder(of: data, degree: 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        #expect(ReedSolomon.generator(degree: 2) == [1, 3, 2])  // (x − 1)(x − α) = x² + 3x + 2
    }

    @Test func byteModeDataCodewords() {
        // 0100 | 00000001 | 01000001 | 0000, then pad codewords to 16.
        let codewords = QRCode.dataCodewords(Array("A".utf8), version: 1, correction: .medium)
        #expect(codewords == [0x40, 0x14, 0x10, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC])
        // Version 10 counts in 16 bits: 0100 | 0000000000000001 | 01000001 | 0000.
        let long = QRCode.dataCodewords(Array("A".utf8), version: 10, correction: .medium)
        #expect(Array(long.prefix(5)) == [0x40, 0x00, 0x14, 0x10, 0xEC])
        #expect(long.count == 216)
    }

    @Test func smallestSymbolThatHoldsTheBytes() {
        #expect(QRCode.byteCapacity(version: 1, correction: .medium) == 14)
        #expect(QRCode.byteCapacity(version: 10, correction: .medium) == 213)
        #expect(QRCode.byteCapacity(version: 10, correction: .low) == 271)
        #expect(QRCode(bytes: Array(repeating: 0x61, count: 14))?.version == 1)
        #expect(QRCode(bytes: Array(repeating: 0x61, count: 15))?.version == 2)
        // Past 10-M (213 bytes) level L takes over, in the smallest version that holds it: 9-L holds 230.
        let lowered = QRCode(bytes: Array(repeating: 0x61, count: 214))
        #expect(lowered?.version == 9 && lowered?.correction == .low)
        #expect(QRCode(bytes: Array(repeating: 0x61, count: 271))?.version == 10)
        #expect(QRCode(bytes: Array(repeating: 0x61, count: 272)) == nil)
    }

    @Test func penaltyRules() {
        // 5 × 5 light: ten runs of five (3 each), sixteen 2 × 2 blocks (3 each), no dark (10 × 10).
        #expect(QRCode.penalty(Array(repeating: false, count: 25), size: 5) == 30 + 48 + 100)
        // A 5 × 5 checkerboard: no runs, no blocks, 13 of 25 dark is within 5 % of half.
        #expect(QRCode.penalty((0..<25).map { ($0 / 5 + $0 % 5) % 2 == 0 }, size: 5) == 0)
    }

    @Test func functionPatternsAndFormatAreWhereTheStandardPutsThem() throws {
        let code = try #require(QRCode(text: "otpauth://totp/x", mask: 3))
        #expect(code.version == 2 && code.size == 25 && code.mask == 3 && code.correction == .medium)
        let finderRow = [true, true, true, true, true, true, true, false]
        for corner in [(0, 0), (0, 18), (18, 0)] {
            #expect((0..<7).map { code.isDark(row: corner.0, column: corner.1 + $0) } == Array(finderRow.prefix(7)))
            #expect(code.isDark(row: corner.0 + 3, column: corner.1 + 3))
            #expect(!code.isDark(row: corner.0 + 1, column: corner.1 + 1))
        }
        #expect((8...16).map { code.isDark(row: 6, column: $0) } == [true, false, true, false, true, false, true, false, true])
        #expect(code.isDark(row: 25 - 8, column: 8))  // the dark module
        #expect(code.isDark(row: 18, column: 18) && !code.isDark(row: 17, column: 18))  // alignment centre and ring
        // Format: M (00), mask 3 (011) = 00011 + 1101011001 XOR 101010000010010 = 101101101001011.
        let expected = 0b101_1011_0100_1011
        let upperLeft = [(0, 8), (1, 8), (2, 8), (3, 8), (4, 8), (5, 8), (7, 8), (8, 8), (8, 7), (8, 5), (8, 4), (8, 3), (8, 2), (8, 1), (8, 0)]
        let second = [(8, 24), (8, 23), (8, 22), (8, 21), (8, 20), (8, 19), (8, 18), (8, 17), (18, 8), (19, 8), (20, 8), (21, 8), (22, 8), (23, 8), (24, 8)]
        for positions in [upperLeft, second] {
            let read = positions.enumerated().reduce(0) { $0 | (code.isDark(row: $1.element.0, column: $1.element.1) ? 1 << $1.offset : 0) }
            #expect(read == expected)
        }
    }

    @Test func versionInformationBlocksFromVersionSeven() throws {
        // 6-M holds 106 bytes, 7-M 122.
        let code = try #require(QRCode(bytes: Array(repeating: 0x41, count: 110)))
        #expect(code.version == 7 && code.size == 45)
        // 0x07C94 = 000111 110010010100, bit 0 at the top-left of the upper-right block.
        let read = (0..<18).reduce(0) { $0 | (code.isDark(row: $1 / 3, column: 45 - 11 + $1 % 3) ? 1 << $1 : 0) }
        let mirrored = (0..<18).reduce(0) { $0 | (code.isDark(row: 45 - 11 + $1 % 3, column: $1 / 3) ? 1 << $1 : 0) }
        #expect(read == 0x07C94 && mirrored == 0x07C94)
    }

    @Test func svgDrawsRunsInsideAQuietZone() throws {
        let code = try #require(QRCode(text: "A"))
        let svg = code.svg()
        #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"116\" height=\"116\" viewBox=\"0 0 29 29\""))
        #expect(svg.contains("d=\"M4 4h7v1h-7z"))  // the top row of the upper-left finder
        #expect(svg.hasSuffix("</svg>"))
    }
}
