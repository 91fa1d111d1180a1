import Foundation

/// The text file of recovery codes a person downloads right after making them. Only hashes are
/// stored, so the page posts the codes it showed back and only codes that are still unused for
/// that account go into the file: the download never reflects arbitrary text.
public enum RecoveryCodeFile {
    public static let fileName = "renkei-recovery-codes.txt"

    /// The candidates whose hash is among `storedHashes`, in the order given, each once.
    public static func unused(_ candidates: [String], storedHashes: [String]) -> [String] {
        let stored = Set(storedHashes)
        var seen = Set<String>()
        return candidates.filter { code in
            let hash = RecoveryCodes.hash(code)
            return stored.contains(hash) && seen.insert(hash).inserted
        }
    }

    public static func text(codes: [String], account: String, site: String) -> String {
        var lines = [
            "Recovery codes for \(account) at \(site)",
            "",
            "Each code signs you in once when your authenticator app is not at hand.",
            "Keep this file apart from your phone, e.g. printed or in a password manager.",
            "",
        ]
        lines += codes
        return lines.joined(separator: "\n") + "\n"
    }
}
