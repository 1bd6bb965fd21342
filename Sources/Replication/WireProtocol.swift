import CZlib

/// The frames shipper and receiver exchange over mutual TLS.
///
/// A frame is a kind byte, a 4-byte big-endian length and that many bytes. The shipper
/// greets (`hello`), then for each file offers its name, raw size and SHA-256 (`offer`);
/// the receiver answers `have` (stored with that checksum: nothing to send), `send`, or
/// `conflict`. After `send` the shipper sends the zlib body (`body`) and the receiver
/// answers `stored` only once the inflated bytes matched the checksum and were flushed to
/// disk, or `corrupt` / `conflict` / `failure` with a message. Lengths are checked before
/// anything is allocated: control frames are small, a body at most zlib's bound for the
/// size offered.
public enum WireProtocol {
    /// Sent in both directions first; a peer speaking anything else is dropped.
    public static let greeting = "portal-replicator/1"
    /// The largest control frame (greeting, offer, answer with a message).
    public static let controlLimit = 4_096

    /// What a frame carries.
    public enum Kind: UInt8, Sendable {
        case hello = 0x56  // V
        case offer = 0x4F  // O
        case body = 0x42  // B
        case have = 0x48  // H
        case send = 0x53  // S
        case stored = 0x41  // A
        case conflict = 0x43  // C
        case corrupt = 0x58  // X
        case failure = 0x45  // E
    }

    /// The largest body frame for a file of `rawSize` bytes: zlib's worst case plus slack.
    public static func bodyLimit(rawSize: Int) -> Int {
        Int(compressBound(uLong(rawSize))) + 64
    }

    /// A file announced before its body: name, raw size, hex SHA-256 of the raw bytes.
    public struct Offer: Sendable, Equatable {
        public let name: WALFileName
        public let size: Int
        public let checksum: String

        /// An offer of `name`, `size` raw bytes with hex SHA-256 `checksum`.
        public init(name: WALFileName, size: Int, checksum: String) {
            self.name = name
            self.size = size
            self.checksum = checksum
        }

        /// `NAME SIZE SHA256` in ASCII.
        public var payload: [UInt8] {
            Array("\(self.name.name) \(self.size) \(self.checksum)".utf8)
        }

        /// Parses an offer's payload, refusing names PostgreSQL never archives, sizes beyond
        /// a WAL segment's largest and checksums that are not 64 lower-case hex digits.
        public init(payload: [UInt8]) throws(ReplicatorError) {
            let parts = String(decoding: payload, as: UTF8.self).split(separator: " ")
            guard parts.count == 3 else {
                throw ReplicatorError(.protocolViolation, "an offer is NAME SIZE SHA256")
            }
            guard let name = WALFileName(String(parts[0])) else {
                throw ReplicatorError(
                    .protocolViolation, "\(parts[0].prefix(64)) is not a WAL file name")
            }
            guard let size = Int(parts[1]),
                (0...SegmentCompression.maximumInflatedBytes).contains(size)
            else {
                throw ReplicatorError(
                    .protocolViolation, "\(parts[1].prefix(20)) is not a WAL file size")
            }
            let checksum = String(parts[2])
            guard Self.isChecksum(checksum) else {
                throw ReplicatorError(.protocolViolation, "the checksum is not hex SHA-256")
            }
            self.init(name: name, size: size, checksum: checksum)
        }

        /// True for 64 lower-case hex digits.
        public static func isChecksum(_ text: String) -> Bool {
            text.utf8.count == 64
                && text.utf8.allSatisfy {
                    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
                }
        }
    }
}
