import RenkeiCore
import Vapor

/// Header values built from stored or user text are set only through these, so each passes
/// `HeaderValue.clean` (no CR, LF or NUL can start a header of its own).
extension HTTPHeaders {
    mutating func replaceOrAdd(name: Name, text: String) {
        replaceOrAdd(name: name, value: HeaderValue.clean(text))
    }

    /// A download under `name`, cleaned as at upload and written per RFC 6266.
    mutating func setAttachment(named name: String) {
        replaceOrAdd(name: .contentDisposition, value: HeaderValue.contentDisposition(attachmentNamed: name))
    }
}
