import Foundation

extension SIGDocument {
    /// Which of a SIG's documents `actor` reads, as the list query filters them: drafts or not,
    /// and the labels of published documents; each is `isReadable`'s test on a document of that kind.
    public struct Visibility: Sendable, Hashable {
        public var drafts: Bool
        public var publishedLabels: Set<TLPLabel>
    }

    public static func visibility(in sigID: UUID, to actor: Actor?) -> Visibility {
        func probe(_ state: State, _ tlp: TLPLabel) -> Bool {
            SIGDocument(id: UUID(), sigID: sigID, state: state, publishedAt: nil,
                        versions: [Version(number: 1, title: "", body: "", tlp: tlp, editedBy: UUID(), editedAt: Date(timeIntervalSince1970: 0))])
                .isReadable(by: actor)
        }
        return Visibility(drafts: probe(.draft, .amber), publishedLabels: Set(TLPLabel.allCases.filter { probe(.published, $0) }))
    }
}
