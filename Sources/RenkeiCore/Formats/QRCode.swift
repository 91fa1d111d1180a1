import Foundation

/// A QR code symbol (ISO/IEC 18004) holding bytes in byte mode, versions 1 to 10 with error
/// correction level M (or L when M does not fit): enough for an `otpauth://` address of any
/// reasonable account name. The page draws it as SVG so no script or image library is needed.
public struct QRCode: Sendable, Equatable {
    /// L restores about 7 % of damaged codewords, M about 15 %.
    public enum Correction: Sendable, Equatable {
        case low, medium

        /// The two bits this level writes into the format information (ISO/IEC 18004 table 12).
        var formatBits: Int { self == .low ? 0b01 : 0b00 }
    }

    public let version: Int
    public let correction: Correction
    public let mask: Int
    /// Modules per side, without the quiet zone.
    public let size: Int
    private let modules: [Bool]

    public func isDark(row: Int, column: Int) -> Bool { modules[row * size + column] }

    /// The smallest symbol for `bytes` at level M, else at level L; nil when they do not fit in
    /// version 10. `mask` forces a mask pattern (tests); otherwise the one with the lowest penalty.
    public init?(bytes: [UInt8], mask forcedMask: Int? = nil) {
        guard let (version, correction) = Self.smallestFit(byteCount: bytes.count) else { return nil }
        let codewords = Self.interleaved(Self.dataCodewords(bytes, version: version, correction: correction), version: version, correction: correction)
        var placed = Matrix(version: version)
        placed.place(codewords)
        let candidates = forcedMask.map { [$0] } ?? Array(0..<8)
        var best: (mask: Int, penalty: Int, matrix: Matrix)?
        for mask in candidates where (0..<8).contains(mask) {
            var matrix = placed
            matrix.apply(mask: mask)
            matrix.drawFormat(Self.formatBits(correction: correction, mask: mask))
            let penalty = Self.penalty(matrix.dark, size: matrix.size)
            // Ties keep the lower mask number.
            if penalty < best?.penalty ?? .max { best = (mask, penalty, matrix) }
        }
        guard let best else { return nil }
        self.version = version
        self.correction = correction
        self.mask = best.mask
        self.size = best.matrix.size
        self.modules = best.matrix.dark
    }

    public init?(text: String, mask: Int? = nil) {
        self.init(bytes: Array(text.utf8), mask: mask)
    }

    /// The symbol as a standalone SVG: one path of dark runs on white, with the four-module
    /// quiet zone the standard asks for; `pixelsPerModule` sets its intrinsic size.
    public func svg(pixelsPerModule: Int = 4) -> String {
        let quiet = 4, extent = size + 2 * quiet
        var path = ""
        for row in 0..<size {
            var column = 0
            while column < size {
                guard isDark(row: row, column: column) else { column += 1; continue }
                let start = column
                while column < size, isDark(row: row, column: column) { column += 1 }
                path += "M\(start + quiet) \(row + quiet)h\(column - start)v1h-\(column - start)z"
            }
        }
        let pixels = extent * pixelsPerModule
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(pixels)" height="\(pixels)" viewBox="0 0 \(extent) \(extent)" \
        shape-rendering="crispEdges"><rect width="\(extent)" height="\(extent)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
        """
    }

    // MARK: - Capacity (ISO/IEC 18004 tables 7 and 9)

    /// Error correction codewords per block, and the blocks as (count, data codewords each).
    struct BlockLayout {
        let ecPerBlock: Int
        let groups: [(count: Int, data: Int)]
        var dataCodewords: Int { groups.reduce(0) { $0 + $1.count * $1.data } }
    }

    static let maximumVersion = 10

    static func layout(version: Int, correction: Correction) -> BlockLayout {
        let low: [BlockLayout] = [
            .init(ecPerBlock: 7, groups: [(1, 19)]), .init(ecPerBlock: 10, groups: [(1, 34)]),
            .init(ecPerBlock: 15, groups: [(1, 55)]), .init(ecPerBlock: 20, groups: [(1, 80)]),
            .init(ecPerBlock: 26, groups: [(1, 108)]), .init(ecPerBlock: 18, groups: [(2, 68)]),
            .init(ecPerBlock: 20, groups: [(2, 78)]), .init(ecPerBlock: 24, groups: [(2, 97)]),
            .init(ecPerBlock: 30, groups: [(2, 116)]), .init(ecPerBlock: 18, groups: [(2, 68), (2, 69)]),
        ]
        let medium: [BlockLayout] = [
            .init(ecPerBlock: 10, groups: [(1, 16)]), .init(ecPerBlock: 16, groups: [(1, 28)]),
            .init(ecPerBlock: 26, groups: [(1, 44)]), .init(ecPerBlock: 18, groups: [(2, 32)]),
            .init(ecPerBlock: 24, groups: [(2, 43)]), .init(ecPerBlock: 16, groups: [(4, 27)]),
            .init(ecPerBlock: 18, groups: [(4, 31)]), .init(ecPerBlock: 22, groups: [(2, 38), (2, 39)]),
            .init(ecPerBlock: 22, groups: [(3, 36), (2, 37)]), .init(ecPerBlock: 26, groups: [(4, 43), (1, 44)]),
        ]
        return (correction == .low ? low : medium)[version - 1]
    }

    /// The character count field of byte mode: 8 bits up to version 9, 16 from version 10.
    static func countBits(version: Int) -> Int { version < 10 ? 8 : 16 }

    /// How many bytes fit: the data codewords less the mode indicator and the count field.
    static func byteCapacity(version: Int, correction: Correction) -> Int {
        (layout(version: version, correction: correction).dataCodewords * 8 - 4 - countBits(version: version)) / 8
    }

    static func smallestFit(byteCount: Int) -> (Int, Correction)? {
        for correction in [Correction.medium, .low] {
            for version in 1...maximumVersion where byteCapacity(version: version, correction: correction) >= byteCount {
                return (version, correction)
            }
        }
        return nil
    }

    // MARK: - Codewords

    /// Mode indicator 0100, the count, the bytes, a terminator of up to four zero bits, zero
    /// bits to the byte boundary, then the pad codewords 0xEC and 0x11 in turn.
    static func dataCodewords(_ bytes: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let capacity = layout(version: version, correction: correction).dataCodewords
        var bits: [Bool] = []
        func append(_ value: Int, width: Int) {
            for shift in stride(from: width - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
        }
        append(0b0100, width: 4)
        append(bytes.count, width: countBits(version: version))
        for byte in bytes { append(Int(byte), width: 8) }
        append(0, width: min(4, capacity * 8 - bits.count))
        while bits.count % 8 != 0 { bits.append(false) }
        var codewords = stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }
        var pad: UInt8 = 0xEC
        while codewords.count < capacity {
            codewords.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        return codewords
    }

    /// Splits the data into its blocks, adds each block's error correction, and interleaves:
    /// the first codeword of every block, then the second..., data first, then correction.
    static func interleaved(_ data: [UInt8], version: Int, correction: Correction) -> [UInt8] {
        let layout = layout(version: version, correction: correction)
        var blocks: [[UInt8]] = []
        var offset = 0
        for group in layout.groups {
            for _ in 0..<group.count {
                blocks.append(Array(data[offset..<offset + group.data]))
                offset += group.data
            }
        }
        let corrections = blocks.map { ReedSolomon.remainder(of: $0, degree: layout.ecPerBlock) }
        var result: [UInt8] = []
        for index in 0..<(blocks.map(\.count).max() ?? 0) {
            for block in blocks where index < block.count { result.append(block[index]) }
        }
        for index in 0..<layout.ecPerBlock {
            for block in corrections { result.append(block[index]) }
        }
        return result
    }

    // MARK: - Format and version information (BCH codes, ISO/IEC 18004 7.9 and 7.10)

    /// 15 bits: level and mask, ten BCH(15,5) check bits (generator 10100110111), then XOR
    /// 101010000010010 so the information is never all light.
    static func formatBits(correction: Correction, mask: Int) -> Int {
        let data = correction.formatBits << 3 | mask
        return (data << 10 | bchRemainder(data << 10, generator: 0b101_0011_0111)) ^ 0b101_0100_0001_0010
    }

    /// 18 bits for versions 7 and up: the version and twelve BCH(18,6) check bits
    /// (generator 1111100100101).
    static func versionBits(_ version: Int) -> Int {
        version << 12 | bchRemainder(version << 12, generator: 0b1_1111_0010_0101)
    }

    private static func bchRemainder(_ value: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - generator.leadingZeroBitCount - 1
        var remainder = value
        while remainder != 0, Int.bitWidth - remainder.leadingZeroBitCount - 1 >= degree {
            remainder ^= generator << (Int.bitWidth - remainder.leadingZeroBitCount - 1 - degree)
        }
        return remainder
    }

    // MARK: - Masks and their penalty (ISO/IEC 18004 7.8)

    static func maskCondition(_ mask: Int, row: Int, column: Int) -> Bool {
        switch mask {
        case 0: (row + column) % 2 == 0
        case 1: row % 2 == 0
        case 2: column % 3 == 0
        case 3: (row + column) % 3 == 0
        case 4: (row / 2 + column / 3) % 2 == 0
        case 5: (row * column) % 2 + (row * column) % 3 == 0
        case 6: ((row * column) % 2 + (row * column) % 3) % 2 == 0
        default: ((row + column) % 2 + (row * column) % 3) % 2 == 0
        }
    }

    /// The four penalty rules: runs of five or more of one colour in a row or column (3 + the
    /// excess), 2 × 2 blocks of one colour (3 each), the finder-like 1:1:3:1:1 pattern with four
    /// light modules on one side (40 each; outside the symbol is the light quiet zone), and 10
    /// for every full 5 % the share of dark modules is away from half.
    static func penalty(_ dark: [Bool], size: Int) -> Int {
        var total = 0
        let finderLike = [true, false, true, true, true, false, true]
        for line in 0..<size {
            for horizontal in [true, false] {
                let cells = (0..<size).map { horizontal ? dark[line * size + $0] : dark[$0 * size + line] }
                var run = 1
                for index in 1...size {
                    if index < size, cells[index] == cells[index - 1] {
                        run += 1
                    } else {
                        if run >= 5 { total += run - 2 }
                        run = 1
                    }
                }
                func lightSpan(_ range: Range<Int>) -> Bool { range.allSatisfy { $0 < 0 || $0 >= size || !cells[$0] } }
                for start in stride(from: 0, through: size - finderLike.count, by: 1) where Array(cells[start..<start + 7]) == finderLike {
                    if lightSpan(start - 4..<start) || lightSpan(start + 7..<start + 11) { total += 40 }
                }
            }
        }
        for row in 0..<(size - 1) {
            for column in 0..<(size - 1) {
                let colour = dark[row * size + column]
                if dark[row * size + column + 1] == colour, dark[(row + 1) * size + column] == colour,
                   dark[(row + 1) * size + column + 1] == colour { total += 3 }
            }
        }
        let darkCount = dark.count(where: { $0 })
        total += 10 * (abs(20 * darkCount - 10 * dark.count) / dark.count)
        return total
    }

    // MARK: - The module matrix

    struct Matrix {
        let version: Int
        let size: Int
        var dark: [Bool]
        /// Function patterns and format/version areas: never data, never masked.
        var reserved: [Bool]

        init(version: Int) {
            self.version = version
            size = 17 + 4 * version
            dark = Array(repeating: false, count: size * size)
            reserved = dark
            for (row, column) in [(3, 3), (3, size - 4), (size - 4, 3)] {
                drawSquares(centerRow: row, centerColumn: column, radius: 4) { ring in ring <= 1 || ring == 3 }
            }
            for index in 8..<(size - 8) {
                set(row: 6, column: index, dark: index % 2 == 0)
                set(row: index, column: 6, dark: index % 2 == 0)
            }
            let centers = Self.alignmentCenters(version: version)
            for row in centers {
                for column in centers {
                    let nearFinder = (row == 6 && column == 6) || (row == 6 && column == centers.last) || (row == centers.last && column == 6)
                    if !nearFinder { drawSquares(centerRow: row, centerColumn: column, radius: 2) { ring in ring != 1 } }
                }
            }
            drawFormat(0)
            if version >= 7 { drawVersion(QRCode.versionBits(version)) }
        }

        /// Row and column of the alignment pattern centres (ISO/IEC 18004 annex E).
        static func alignmentCenters(version: Int) -> [Int] {
            [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]][version - 1]
        }

        mutating func set(row: Int, column: Int, dark value: Bool) {
            dark[row * size + column] = value
            reserved[row * size + column] = true
        }

        /// Concentric square rings around a centre; `isDark` decides by the ring's distance.
        private mutating func drawSquares(centerRow: Int, centerColumn: Int, radius: Int, isDark: (Int) -> Bool) {
            for row in (centerRow - radius)...(centerRow + radius) where row >= 0 && row < size {
                for column in (centerColumn - radius)...(centerColumn + radius) where column >= 0 && column < size {
                    set(row: row, column: column, dark: isDark(max(abs(row - centerRow), abs(column - centerColumn))))
                }
            }
        }

        /// Both copies of the format information, bit 0 the least significant, and the dark
        /// module beside the lower-left finder.
        mutating func drawFormat(_ bits: Int) {
            func bit(_ index: Int) -> Bool { (bits >> index) & 1 == 1 }
            for index in 0..<15 {
                let upperLeft: (Int, Int) = switch index {
                case 0...5: (index, 8)
                case 6: (7, 8)
                case 7: (8, 8)
                case 8: (8, 7)
                default: (8, 14 - index)
                }
                set(row: upperLeft.0, column: upperLeft.1, dark: bit(index))
                if index < 8 {
                    set(row: 8, column: size - 1 - index, dark: bit(index))
                } else {
                    set(row: size - 15 + index, column: 8, dark: bit(index))
                }
            }
            set(row: size - 8, column: 8, dark: true)
        }

        /// The two 6 × 3 blocks of version information, beside the upper-right and lower-left finders.
        private mutating func drawVersion(_ bits: Int) {
            for index in 0..<18 {
                let value = (bits >> index) & 1 == 1
                set(row: index / 3, column: size - 11 + index % 3, dark: value)
                set(row: size - 11 + index % 3, column: index / 3, dark: value)
            }
        }

        /// Codeword bits, most significant first, up and down two-column strips from the right
        /// edge, skipping the vertical timing column; modules left over stay light.
        mutating func place(_ codewords: [UInt8]) {
            var bitIndex = 0
            var upward = true
            var right = size - 1
            while right > 0 {
                if right == 6 { right = 5 }
                for step in 0..<size {
                    let row = upward ? size - 1 - step : step
                    for column in [right, right - 1] where !reserved[row * size + column] {
                        if bitIndex < codewords.count * 8 {
                            dark[row * size + column] = (codewords[bitIndex / 8] >> (7 - bitIndex % 8)) & 1 == 1
                        }
                        bitIndex += 1
                    }
                }
                upward.toggle()
                right -= 2
            }
        }

        mutating func apply(mask: Int) {
            for row in 0..<size {
                for column in 0..<size where !reserved[row * size + column] && QRCode.maskCondition(mask, row: row, column: column) {
                    dark[row * size + column].toggle()
                }
            }
        }
    }
}

/// Reed–Solomon error correction over GF(256) with the field polynomial
/// x⁸ + x⁴ + x³ + x² + 1 (0x11D) and the generator ∏ (x − αⁱ), i = 0 ..< degree.
enum ReedSolomon {
    private static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 510)
        var log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            exp[power + 255] = UInt8(value)
            log[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        return (exp, log)
    }()

    static func multiply(_ left: UInt8, _ right: UInt8) -> UInt8 {
        left == 0 || right == 0 ? 0 : tables.exp[tables.log[Int(left)] + tables.log[Int(right)]]
    }

    /// The generator's coefficients, highest power first (the leading 1 included).
    static func generator(degree: Int) -> [UInt8] {
        var coefficients: [UInt8] = [1]
        for power in 0..<degree {
            var next = coefficients + [0]
            for (index, coefficient) in coefficients.enumerated() {
                next[index + 1] ^= multiply(coefficient, tables.exp[power])
            }
            coefficients = next
        }
        return coefficients
    }

    /// The check codewords: the message times x^degree, modulo the generator.
    static func remainder(of message: [UInt8], degree: Int) -> [UInt8] {
        let generator = generator(degree: degree)
        var remainder = [UInt8](repeating: 0, count: degree)
        for codeword in message {
            let factor = codeword ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            for index in 0..<degree { remainder[index] ^= multiply(generator[index + 1], factor) }
        }
        return remainder
    }
}
