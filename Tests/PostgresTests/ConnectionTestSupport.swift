import PortalTesting
import Postgres
import Reactor
import Synchronization
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Connections to a fresh database on the shared throwaway cluster, one event loop each.
enum TestDatabase {
    static let logger = Logger(label: "postgres-tests", level: .error)

    /// The configuration of a new, empty database on the shared cluster.
    static func configuration(
        statementTimeout: Duration? = nil
    ) async throws -> PostgresConfiguration {
        let cluster = try await TestCluster.shared()
        let database = try await cluster.createDatabase()
        return PostgresConfiguration(
            connectionString: cluster.connectionString(database: database),
            applicationName: "postgres-tests", statementTimeout: statementTimeout)
    }

    /// Runs `body` with a connection to a new database, then closes it and its loop.
    static func withConnection<Result>(
        statementTimeout: Duration? = nil,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let configuration = try await Self.configuration(statementTimeout: statementTimeout)
        let loop = try EventLoop(name: "pg-test")
        defer { loop.shutdown() }

        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: Self.logger)
        do {
            let result = try await body(connection)
            await connection.close()
            return result
        } catch {
            await connection.close()
            throw error
        }
    }
}

/// A loopback TCP port that nothing listens on: bound to learn a free number, then closed.
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(fd, raw, length)
            return getsockname(fd, raw, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Seconds elapsed since `start`, from the monotonic clock.
func secondsSince(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Lets a test wait for a connection's close observer.
final class ClosedSignal: Sendable {
    private let state = Mutex<(fired: Bool, error: PostgresError?)>((false, nil))

    func signal(_ error: PostgresError?) {
        self.state.withLock { $0 = (true, error) }
    }

    /// The error the observer got, or throws if it was not called within `limit`.
    func wait(upTo limit: Duration) async throws -> PostgresError? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let (fired, error) = self.state.withLock { $0 }
            if fired { return error }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw PostgresError(code: .timeout, message: "onClose was not called within \(limit)")
    }
}
