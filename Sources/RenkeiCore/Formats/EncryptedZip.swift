import Foundation

/// A ZIP archive of one file, stored (not compressed) and encrypted with the traditional PKWARE
/// scheme ("ZipCrypto", APPNOTE.TXT 6.1). It is weak cryptography on purpose: malware analysts
/// wrap samples with the password `infected` so that nobody runs one by accident and no virus
/// scanner deletes it on the way, and every unzip tool opens such an archive.
public enum EncryptedZip {
    public static let conventionalPassword = "infected"

    /// `comment` is the archive comment (unencrypted; unzip tools show it), e.g. the TLP label.
    public static func archive(_ content: [UInt8], named name: String, password: String = conventionalPassword, modified: Date = Date(),
                               comment: String = "", randomHeader: [UInt8]? = nil) -> [UInt8] {
        let crc = CRC32.checksum(content)
        var keys = Keys(password: Array(password.utf8))
        // Eleven random bytes and the CRC's high byte, which unzip tools check the password by.
        var header = randomHeader ?? (0..<11).map { _ in UInt8.random(in: .min ... .max) }
        header = Array(header.prefix(11)) + [UInt8(crc >> 24)]
        let encrypted = (header + content).map { keys.encrypt($0) }
        // The name an unzip tool writes to disk: a bare file name, never a path (`FileName.clean`).
        let cleanName = FileName.clean(name) ?? "sample.bin"
        let fileName = Array(cleanName.utf8)
        // Bit 11 tells unzip tools the name is UTF-8 (APPNOTE.TXT 4.4.4).
        let flags: UInt16 = cleanName.unicodeScalars.allSatisfy(\.isASCII) ? 0x0001 : 0x0801
        let (time, date) = dosTimeAndDate(modified)

        var local: [UInt8] = []
        local.append(le32: 0x0403_4B50)
        local.append(le16: 20)          // version needed: 2.0
        local.append(le16: flags)       // flags: encrypted (and a UTF-8 name)
        local.append(le16: 0)           // method: stored
        local.append(le16: time)
        local.append(le16: date)
        local.append(le32: crc)
        local.append(le32: UInt32(encrypted.count))
        local.append(le32: UInt32(content.count))
        local.append(le16: UInt16(fileName.count))
        local.append(le16: 0)
        local += fileName
        local += encrypted

        var central: [UInt8] = []
        central.append(le32: 0x0201_4B50)
        central.append(le16: 20)        // made by
        central.append(le16: 20)
        central.append(le16: flags)
        central.append(le16: 0)
        central.append(le16: time)
        central.append(le16: date)
        central.append(le32: crc)
        central.append(le32: UInt32(encrypted.count))
        central.append(le32: UInt32(content.count))
        central.append(le16: UInt16(fileName.count))
        central.append(le16: 0)         // extra
        central.append(le16: 0)         // comment
        central.append(le16: 0)         // disk
        central.append(le16: 0)         // internal attributes
        central.append(le32: 0)         // external attributes
        central.append(le32: 0)         // offset of the local header
        central += fileName

        var end: [UInt8] = []
        end.append(le32: 0x0605_4B50)
        end.append(le16: 0)
        end.append(le16: 0)
        end.append(le16: 1)
        end.append(le16: 1)
        end.append(le32: UInt32(central.count))
        end.append(le32: UInt32(local.count))
        let commentBytes = Array(comment.utf8.prefix(Int(UInt16.max)))
        end.append(le16: UInt16(commentBytes.count))
        return local + central + end + commentBytes
    }

    /// The three keys of the PKWARE stream cipher.
    struct Keys {
        var key0: UInt32 = 0x1234_5678
        var key1: UInt32 = 0x2345_6789
        var key2: UInt32 = 0x3456_7890

        init(password: [UInt8]) {
            for byte in password { update(byte) }
        }

        mutating func update(_ byte: UInt8) {
            key0 = CRC32.update(key0, byte)
            key1 = (key1 &+ (key0 & 0xFF)) &* 134_775_813 &+ 1
            key2 = CRC32.update(key2, UInt8(key1 >> 24))
        }

        mutating func encrypt(_ plain: UInt8) -> UInt8 {
            let temp = UInt16(truncatingIfNeeded: key2 | 2)
            let stream = UInt8(truncatingIfNeeded: (UInt32(temp) &* UInt32(temp ^ 1)) >> 8)
            update(plain)
            return plain ^ stream
        }
    }

    static func dosTimeAndDate(_ date: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16((parts.hour ?? 0) << 11 | (parts.minute ?? 0) << 5 | (parts.second ?? 0) / 2)
        let day = UInt16(max(0, (parts.year ?? 1980) - 1980) << 9 | (parts.month ?? 1) << 5 | (parts.day ?? 1))
        return (time, day)
    }
}

/// CRC-32 (IEEE 802.3, as ZIP uses it).
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func update(_ crc: UInt32, _ byte: UInt8) -> UInt32 {
        table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(0xFFFF_FFFF) { update($0, $1) }
    }
}

extension Array where Element == UInt8 {
    fileprivate mutating func append(le16 value: UInt16) {
        append(UInt8(value & 0xFF)); append(UInt8(value >> 8))
    }

    fileprivate mutating func append(le32 value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((value >> UInt32(shift)) & 0xFF)) }
    }
}
