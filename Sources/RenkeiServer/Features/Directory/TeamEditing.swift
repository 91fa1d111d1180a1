import Foundation
import RenkeiCore

/// The one path every write of a team record takes (web form, API, import): read new PGP keys
/// with GnuPG, validate, and apply the directory's rules for the actor.
struct TeamEditing: Sendable {
    var gnupg: GnuPG

    func prepare(_ candidate: TeamRecord, replacing old: TeamRecord?, actor: Actor?, now: Date = Date()) async throws(AppError) -> TeamRecord {
        var record = candidate
        var errors: [FieldError] = []
        for (index, key) in candidate.pgpKeys.enumerated() {
            let declared = PGPKey.normalizedFingerprint(key.fingerprint)
            var inspected: PGPKey
            if let known = old?.pgpKeys.first(where: { $0.armored == key.armored }) {
                inspected = known
            } else {
                do {
                    inspected = try await gnupg.inspect(armored: key.armored)
                } catch {
                    errors.append(FieldError(field: "pgpKeys[\(index)].armored", message: error.description))
                    continue
                }
            }
            if !declared.isEmpty && declared != inspected.fingerprint {
                errors.append(FieldError(field: "pgpKeys[\(index)].fingerprint",
                                         message: "The key's fingerprint is \(inspected.fingerprint), not the \(declared) given."))
                continue
            }
            inspected.armored = key.armored
            record.pgpKeys[index] = inspected
        }
        do {
            record = try record.validated(now: now)
        } catch {
            errors += error.errors
        }
        errors += DirectoryPolicy.forbiddenChanges(from: old, to: record, actor: actor)
        guard errors.isEmpty else { throw .invalid(errors) }
        return record
    }
}
