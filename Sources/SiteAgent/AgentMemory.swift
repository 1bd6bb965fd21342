import Foundation

/// What the agent must remember across its own restarts: the term it last acted in and the
/// primary of that term. Kept beside the data folder (`DATA.agent.json`), not in it, so
/// base backups and `pg_rewind` never copy one node's memory to another.
struct AgentMemory: Codable, Sendable, Equatable {
    var term: Int64
    var primary: String?

    static func path(data: String) -> String {
        (data.hasSuffix("/") ? String(data.dropLast()) : data) + ".agent.json"
    }

    /// The remembered state, or term 0 with no primary when nothing was written yet.
    static func load(data: String) throws(AgentError) -> AgentMemory {
        let path = Self.path(data: data)
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return AgentMemory(term: 0, primary: nil)
        }
        do {
            return try JSONDecoder().decode(AgentMemory.self, from: bytes)
        } catch {
            throw AgentError(.storage, "cannot read \(path): \(error)")
        }
    }

    /// Writes the state atomically and durably (a rename after the data reached the disk).
    func save(data: String) throws(AgentError) {
        let path = Self.path(data: data)
        do {
            let bytes = try JSONEncoder().encode(self)
            try bytes.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw AgentError(.storage, "cannot write \(path): \(error)")
        }
    }
}
