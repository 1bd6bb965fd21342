import Synchronization

/// A fault injected on purpose, for tests only: `PORTAL_REPLICATOR_FAULT=flip-byte:NAME`
/// makes the shipper flip one byte of NAME after its checksum was computed, the first time
/// it sends it, so a test can watch the receiver refuse the file and the shipper send it
/// again. Read only by the shipping daemon; unset in production.
public final class TransitFault: Sendable {
    /// The variable that arms it.
    public static let variable = "PORTAL_REPLICATOR_FAULT"

    private let target: String?
    private let fired = Mutex(false)

    /// Reads `PORTAL_REPLICATOR_FAULT` from `environment`; anything but `flip-byte:NAME`
    /// with a WAL file name is an error, so a typo cannot silently disarm a test.
    public init(environment: [String: String]) throws(ReplicatorError) {
        guard let value = environment[Self.variable], !value.isEmpty else {
            self.target = nil
            return
        }
        guard value.hasPrefix("flip-byte:"), let name = WALFileName(String(value.dropFirst(10)))
        else {
            throw ReplicatorError(
                .configuration, "\(Self.variable) must be flip-byte:NAME, not \(value)")
        }
        self.target = name.name
    }

    /// The bytes to send for `name`: one byte flipped the first time for the armed name.
    func apply(_ name: WALFileName, _ bytes: [UInt8]) -> [UInt8] {
        guard name.name == self.target, !bytes.isEmpty else { return bytes }
        let first = self.fired.withLock { fired in
            defer { fired = true }
            return !fired
        }
        guard first else { return bytes }
        var damaged = bytes
        damaged[bytes.count / 2] ^= 0x01
        return damaged
    }
}
