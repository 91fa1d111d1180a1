import Fluent

extension Array where Element: Model {
    /// Inserts in batches: one INSERT each, kept under SQLite's limit on bound values.
    func create(on database: any Database, inBatchesOf size: Int) async throws {
        for start in stride(from: 0, to: count, by: size) {
            try await Array(self[start..<Swift.min(start + size, count)]).create(on: database)
        }
    }
}
