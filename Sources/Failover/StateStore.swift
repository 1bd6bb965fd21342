import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The coordinator's state file. A save writes a temporary file, fsyncs it, renames it over
/// the old one and fsyncs the folder, so after a crash the file holds either the old state
/// or the new one, whole. A file that exists but cannot be read as a state is an error:
/// the coordinator refuses to start rather than forget a term.
public struct StateStore: Sendable {
    public let path: String

    /// A store at `path`; nothing is read or written yet.
    public init(path: String) {
        self.path = path
    }

    /// The saved state, or a fresh one when no file exists yet (the first start).
    public func load(nodes: [NodeName]) throws(FailoverError) -> DurableState {
        guard FileManager.default.fileExists(atPath: self.path) else { return DurableState() }
        guard let data = FileManager.default.contents(atPath: self.path) else {
            throw FailoverError(.stateFile, "cannot read state file \(self.path)")
        }
        let state = try StrictJSON.decode(
            DurableState.self, from: data, what: "state file \(self.path)", code: .stateFile)
        try state.validate(against: nodes, source: "state file \(self.path)")
        return state
    }

    /// Creates the folder of the state file if missing, so the first save can succeed;
    /// throws naming the folder when it cannot be created.
    public func prepareFolder() throws(FailoverError) {
        let folder = (self.path as NSString).deletingLastPathComponent
        guard !folder.isEmpty else { return }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw FailoverError(.stateFile, "cannot create the state folder \(folder): \(error)")
        }
    }

    /// Writes `state` durably (temporary file, fsync, rename, folder fsync).
    public func save(_ state: DurableState) throws(FailoverError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data: Data
        do {
            data = try encoder.encode(state)
        } catch {
            throw FailoverError(.stateFile, "cannot encode the state: \(error)")
        }
        let temporary = self.path + ".tmp"
        try Self.writeSynced(Array(data) + [0x0A], to: temporary)
        guard rename(temporary, self.path) == 0 else {
            throw Self.failure("rename \(temporary) to \(self.path)")
        }
        let folder = (self.path as NSString).deletingLastPathComponent
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw Self.failure("open folder \(folder)") }
        defer { close(directory) }
        guard fsync(directory) == 0 else { throw Self.failure("fsync folder \(folder)") }
    }

    private static func writeSynced(_ bytes: [UInt8], to path: String) throws(FailoverError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Self.failure("create \(path)") }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer {
                write(fd, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw Self.failure("write \(path)") }
            offset += written
        }
        guard fsync(fd) == 0 else { throw Self.failure("fsync \(path)") }
    }

    private static func failure(_ what: String) -> FailoverError {
        FailoverError(.stateFile, "\(what): \(String(cString: strerror(errno)))")
    }
}
