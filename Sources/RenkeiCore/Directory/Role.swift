import Foundation

/// What a user may do beyond reading as a member. A user may hold several roles.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case member
    case teamRepresentative = "team-representative"
    case sigChair = "sig-chair"
    case board
    case secretariat

    public var label: String {
        switch self {
        case .member: "Member"
        case .teamRepresentative: "Team representative"
        case .sigChair: "SIG chair"
        case .board: "Board"
        case .secretariat: "Secretariat"
        }
    }

    /// Roles that change membership, votes and team data sign in with a second factor.
    public static let requiringSecondFactor: Set<Role> = [.board, .secretariat, .teamRepresentative]

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// Parses a comma-separated list as stored and as typed on the command line.
    public static func parseList(_ text: String) -> Set<Role>? {
        var roles = Set<Role>()
        for part in text.split(separator: ",") {
            guard let role = Role(rawValue: part.trimmingCharacters(in: .whitespaces)) else { return nil }
            roles.insert(role)
        }
        return roles
    }
}
