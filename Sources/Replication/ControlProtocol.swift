/// The one-line exchange between `push` and the shipping daemon over its Unix socket.
///
/// `push NAME IDENTITY\n` asks whether NAME, in the version of the file the identity
/// names (see `FileIdentity`), is durably at site B; the daemon answers `stored\n`,
/// `conflict MESSAGE\n`, `unreachable MESSAGE\n` or `failed MESSAGE\n`, only once it knows.
public enum ControlProtocol {
    /// The longest request or answer line.
    public static let lineLimit = 4_096

    /// How long the daemon works on one push before answering `failed`.
    public static let pushTimeout = Duration.seconds(120)

    static func request(_ name: WALFileName, identity: FileIdentity) -> String {
        "push \(name.name) \(identity)\n"
    }

    /// Parses a request line into the name and file version asked about.
    static func parse(
        request line: String
    ) throws(ReplicatorError) -> (WALFileName, FileIdentity) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "push" else {
            throw ReplicatorError(.protocolViolation, "expected: push NAME IDENTITY")
        }
        guard let name = WALFileName(String(parts[1])) else {
            throw ReplicatorError(.usage, "\(parts[1].prefix(64)) is not a WAL file name")
        }
        guard let identity = FileIdentity(text: parts[2]) else {
            throw ReplicatorError(
                .protocolViolation, "the file identity is not device:inode:size:mtime:ctime")
        }
        return (name, identity)
    }

    static func line(_ answer: ShipQueue.PushAnswer) -> String {
        func flat(_ text: String) -> String {
            String(text.map { $0 == "\n" || $0 == "\r" ? " " : $0 }.prefix(lineLimit - 64))
        }
        switch answer {
        case .stored: return "stored\n"
        case .conflict(let message): return "conflict \(flat(message))\n"
        case .unreachable(let message): return "unreachable \(flat(message))\n"
        case .failed(let message): return "failed \(flat(message))\n"
        }
    }
}
