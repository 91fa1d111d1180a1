@testable import RenkeiCore
import Foundation
import Testing

@Suite struct AttachmentTests {
    @Test func anAttachmentIsDescribedByItsBytes() throws {
        let bytes = Array("%PDF-1.7 advisory".utf8)
        let attachment = try SharedItem.Attachment.describe(bytes, name: " reports/advisory.pdf ", id: UUID())
        #expect(attachment.name == "reports_advisory.pdf" && attachment.size == bytes.count && attachment.fileType == "PDF document")
        #expect(attachment.sha256 == Artifact.sha256Hex(bytes))
    }

    @Test func emptyOversizedAndUnnamedFilesAreRefused() {
        for (bytes, name) in [([UInt8](), "empty.txt"), ([UInt8](repeating: 1, count: SharedItem.Attachment.maximumSize + 1), "big.bin"), ([1], " ")] {
            #expect(throws: ValidationFailure.self) { try SharedItem.Attachment.describe(bytes, name: name, id: UUID()) }
        }
    }
}
