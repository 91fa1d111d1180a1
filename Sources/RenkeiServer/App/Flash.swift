import Foundation
import RenkeiCore
import Vapor

/// What happened, said on the page after a redirect ("Saved"): kept in the session by the
/// action and taken out by the next page's `Chrome`, so it shows exactly once.
enum Flash {
    static let sessionKey = "flash"

    static func set(_ message: String, on request: Request) {
        request.session.data[sessionKey] = message
    }

    /// The waiting message, removed from the session. A visitor without a session gets none
    /// and is not given one.
    static func take(from request: Request) -> String? {
        guard request.hasSession, let message = request.session.data[sessionKey] else { return nil }
        request.session.data[sessionKey] = nil
        return message
    }
}

extension Request {
    /// A redirect after an action, with the sentence the next page shows about it.
    func redirect(to path: String, flash message: String) -> Response {
        Flash.set(message, on: self)
        return redirect(to: path)
    }
}

/// A form's field errors as every form page shows them: next to each field (`byControl`, keyed
/// by the form control's id) and in a summary at the top of the page that links to each field
/// (rendered once, by `base.leaf`, from `Chrome.errorSummary`).
struct FormErrors {
    struct Link: Encodable {
        var anchor: String
        var message: String
    }

    var byControl: [String: String] = [:]
    var links: [Link] = []

    /// `control` names the form control an error belongs to (by default the field's control
    /// name without list indexes); `anchor` the id the summary links to, by default the same.
    init(_ errors: [FieldError], control: (FieldError) -> String = { $0.control }, anchor: (String) -> String = { $0 }) {
        for error in errors {
            let id = control(error)
            byControl[id] = [byControl[id], error.message].compactMap { $0 }.joined(separator: " ")
            links.append(Link(anchor: "#" + anchor(id), message: error.message))
        }
    }

    var isEmpty: Bool { links.isEmpty }

    /// The summary for `Chrome.errorSummary`: what was not done and a link per problem.
    func summary(_ headline: String) -> Chrome.ErrorSummary? {
        links.isEmpty ? nil : Chrome.ErrorSummary(headline: headline, links: links)
    }
}
