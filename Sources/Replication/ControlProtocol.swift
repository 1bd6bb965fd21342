/// The one-line exchange between `push` and the shipping daemon over its Unix socket.
///
/// `push NAME SHA256\n` asks whether NAME with those bytes is durably at site B; the
/// daemon answers `stored\n`, `conflict MESSAGE\n`, `unreachable MESSAGE\n` or
/// `failed MESSAGE\n`, only once it knows.
public enum ControlProtocol {
    /// The longest request or answer line.
    public static let lineLimit = 4_096

    /// How long the daemon works on one push before answering `failed`.
    public static let pushTimeout = Duration.seconds(120)

    static func request(_ name: WALFileName, checksum: String) -> String {
        "push \(name.name) \(checksum)\n"
    }

    /// Parses a request line into the name and checksum asked about.
    static func parse(request line: String) throws(ReplicatorError) -> (WALFileName, String) {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "push" else {
            throw ReplicatorError(.protocolViolation, "expected: push NAME SHA256")
        }
        guard let name = WALFileName(String(parts[1])) else {
            throw ReplicatorError(.usage, "\(parts[1].prefix(64)) is not a WAL file name")
        }
        let checksum = String(parts[2])
        guard WireProtocol.Offer.isChecksum(checksum) else {
            throw ReplicatorError(.protocolViolation, "the checksum is not hex SHA-256")
        }
        return (name, checksum)
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
