import Foundation
import RenkeiCore

/// Where and how mail is submitted (SMTP_URL, SMTP_TLS, SMTP_CA_FILE).
struct SMTPRelay: Sendable, Equatable {
    enum Security: Sendable, Equatable { case startTLS, implicitTLS, none }
    var host: String
    var port: Int
    var security: Security
    var username: String?
    var password: String?
    /// A PEM file of CA certificates to trust instead of the system's (for a private relay).
    var trustRootsFile: String?
    /// Seconds to wait for the connection and for each reply (the reply to the end of DATA gets 4×).
    var timeout: Double = 30

    /// `smtp://user:pass@host:587` (STARTTLS required) or `smtps://host:465` (TLS from the
    /// start). `SMTP_TLS=off` sends in clear, and only to a loopback relay: a password or a
    /// restricted notice never crosses a network unencrypted.
    static func parse(url text: String, tls: String?, trustRootsFile: String?) throws(Settings.Problem) -> SMTPRelay {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw Settings.Problem(description: "SMTP_URL must look like smtp://user:password@relay.example.org:587 or smtps://relay.example.org:465; got “\(text)”.")
        }
        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLS
        switch tls?.lowercased() {
        case nil, "", "on", "starttls": break
        case "off":
            guard scheme == "smtp", isLoopback(host) else {
                throw Settings.Problem(description: "SMTP_TLS=off is accepted only for an smtp:// relay on a loopback address (127.0.0.1, ::1, localhost); \(host) is not one.")
            }
            security = .none
        default:
            throw Settings.Problem(description: "SMTP_TLS must be “off” (loopback relays only) or unset; got “\(tls ?? "")”.")
        }
        let port = url.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65_535).contains(port) else { throw Settings.Problem(description: "SMTP_URL has no valid port: “\(text)”.") }
        return SMTPRelay(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port, security: security,
                         username: url.user?.removingPercentEncoding, password: url.password?.removingPercentEncoding,
                         trustRootsFile: trustRootsFile.flatMap { $0.isEmpty ? nil : $0 })
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" { return true }
        guard let address = IPAddress(bare) else { return false }
        return (try? IPPrefix(parsing: "127.0.0.0/8"))?.contains(address) == true || (try? IPPrefix(parsing: "::1/128"))?.contains(address) == true
    }
}
