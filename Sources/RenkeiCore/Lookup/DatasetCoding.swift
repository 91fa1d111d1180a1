import Foundation

/// The stored form of parsed routing and registry data: the columns as raw little-endian
/// arrays behind a short header, so the server reads a full routing table back in
/// milliseconds instead of parsing a million lines of text again.
public enum DatasetCoding {
    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case corrupt(String)
        public var description: String {
            switch self {
            case .corrupt(let why): "the stored dataset cannot be read (\(why)); import it again"
            }
        }
    }

    private static let routingMagic: [UInt8] = Array("RKRT0001".utf8)
    private static let registrationMagic: [UInt8] = Array("RKRG0001".utf8)

    public static func encode(_ data: RoutingData) -> [UInt8] {
        var writer = Writer(magic: routingMagic)
        writer.write(data.prefixes)
        writer.write(data.origins)
        return writer.bytes
    }

    public static func decodeRouting(_ bytes: UnsafeRawBufferPointer) throws(Error) -> RoutingData {
        var reader = try Reader(bytes, magic: routingMagic)
        var data = RoutingData()
        data.prefixes = try reader.readPrefixes()
        data.origins = try reader.read(UInt32.self)
        // Every value must point at the start of an origin list, and the lists must fill the
        // array exactly: walk them once.
        var isListStart = [Bool](repeating: false, count: data.origins.count)
        var position = 0
        while position < data.origins.count {
            isListStart[position] = true
            let length = Int(data.origins[position])
            guard length >= 1, length <= PrefixToAS.maxOrigins, length < data.origins.count - position else { throw .corrupt("an origin list runs past the end") }
            position += 1 + length
        }
        func valid(_ value: Int32) -> Bool { value >= 0 && Int(value) < isListStart.count && isListStart[Int(value)] }
        guard data.prefixes.v4Values.allSatisfy(valid), data.prefixes.v6Values.allSatisfy(valid) else {
            throw .corrupt("a prefix without an origin list")
        }
        return data
    }

    public static func encode(_ data: RegistrationData) -> [UInt8] {
        var writer = Writer(magic: registrationMagic)
        writer.write(data.prefixes)
        writer.write(data.asns.map(\.first))
        writer.write(data.asns.map(\.count))
        writer.write(data.asns.map { UInt16(truncatingIfNeeded: CountryCode.pack($0.country)) })
        return writer.bytes
    }

    public static func decodeRegistration(_ bytes: UnsafeRawBufferPointer) throws(Error) -> RegistrationData {
        var reader = try Reader(bytes, magic: registrationMagic)
        var data = RegistrationData()
        data.prefixes = try reader.readPrefixes()
        let firsts = try reader.read(UInt32.self), counts = try reader.read(UInt32.self), countries = try reader.read(UInt16.self)
        guard firsts.count == counts.count, firsts.count == countries.count else { throw .corrupt("AS number columns of different lengths") }
        guard firsts.indices.allSatisfy({ counts[$0] >= 1 && UInt64(firsts[$0]) + UInt64(counts[$0]) - 1 <= UInt64(UInt32.max) }) else {
            throw .corrupt("an AS number range past AS4294967295")
        }
        guard data.prefixes.v4Values.allSatisfy(CountryCode.isKnown), data.prefixes.v6Values.allSatisfy(CountryCode.isKnown),
              countries.allSatisfy({ CountryCode.isKnown(Int32($0)) }) else { throw .corrupt("an unknown country code") }
        data.asns = firsts.indices.map { (firsts[$0], counts[$0], CountryCode.unpack(Int32(countries[$0]))) }
        return data
    }

    private struct Writer {
        var bytes: [UInt8]

        init(magic: [UInt8]) {
            bytes = magic
            withUnsafeBytes(of: UInt32(0x0102_0304)) { bytes += $0 }   // byte-order mark
        }

        mutating func write<T: FixedWidthInteger>(_ column: [T]) {
            withUnsafeBytes(of: UInt64(column.count)) { bytes += $0 }
            column.withUnsafeBytes { bytes += $0 }
        }

        mutating func write(_ columns: PrefixColumns) {
            write(columns.v4Networks); write(columns.v4Lengths); write(columns.v4Values)
            write(columns.v6Highs); write(columns.v6Lows); write(columns.v6Lengths); write(columns.v6Values)
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        init(_ bytes: UnsafeRawBufferPointer, magic: [UInt8]) throws(Error) {
            guard bytes.count >= magic.count + 4, Array(bytes[0..<magic.count]) == magic else { throw .corrupt("not a dataset of this kind and version") }
            self.bytes = bytes
            offset = magic.count
            guard bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self) == 0x0102_0304 else { throw .corrupt("stored with another byte order") }
            offset += 4
        }

        mutating func read<T: FixedWidthInteger>(_: T.Type) throws(Error) -> [T] {
            guard bytes.count - offset >= 8 else { throw .corrupt("truncated") }
            let count = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
            let size = MemoryLayout<T>.size
            guard count <= UInt64(bytes.count - offset) / UInt64(size) else { throw .corrupt("truncated") }
            let source = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + Int(count) * size)])
            offset += Int(count) * size
            return [T](unsafeUninitializedCapacity: Int(count)) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: source)
                initialized = Int(count)
            }
        }

        mutating func readPrefixes() throws(Error) -> PrefixColumns {
            try PrefixColumns(v4Networks: read(UInt32.self), v4Lengths: read(UInt8.self), v4Values: read(Int32.self),
                              v6Highs: read(UInt64.self), v6Lows: read(UInt64.self), v6Lengths: read(UInt8.self), v6Values: read(Int32.self))
        }
    }
}

/// Two-letter country codes packed into an integer, for tables that hold one per prefix.
public enum CountryCode {
    /// Whether `A`…`Z` pairs are an ISO 3166 code the directory knows, or one of the RIRs'
    /// pseudo-codes EU and AP; indexed by the packed code.
    private static let known: [Bool] = {
        var table = [Bool](repeating: false, count: 1 << 16)
        for code in Country.all.map(\.code) + ["EU", "AP"] { table[Int(pack(code))] = true }
        return table
    }()

    /// The code's two (upper-case) letters as one number; 0 for anything else.
    public static func pack(_ code: String) -> Int32 {
        let bytes = Array(code.utf8)
        return bytes.count == 2 ? pack(bytes[0], bytes[1]) : 0
    }

    @inline(__always)
    static func pack(_ first: UInt8, _ second: UInt8) -> Int32 {
        Int32(first & 0xDF) << 8 | Int32(second & 0xDF)   // ASCII letters to upper case
    }

    static func isKnown(_ packed: Int32) -> Bool { packed > 0 && packed < 1 << 16 && known[Int(packed)] }

    public static func unpack(_ packed: Int32) -> String {
        String(decoding: [UInt8(truncatingIfNeeded: packed >> 8), UInt8(truncatingIfNeeded: packed)], as: UTF8.self)
    }
}
