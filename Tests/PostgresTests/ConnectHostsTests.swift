import Foundation
import PortalTesting
import Reactor
import Testing

@testable import Postgres

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A multi-host connection string whose first host hangs: the connector leaves it after
/// `connect_timeout` and reaches the next, as libpq itself would in its blocking calls.
@Suite("Postgres connect: leaving a host that does not answer")
struct ConnectHostsTests {
    @Test("the hosts, their ports and the per-host timeout are read as libpq reads them")
    func parsing() {
        let hosts = ConnectHosts([
            ("host", "a,b"), ("port", "5432"), ("connect_timeout", "1"), ("dbname", "x"),
        ])
        #expect(hosts?.hosts.map(\.host) == ["a", "b"])
        #expect(hosts?.hosts.map(\.port) == ["5432", "5432"])
        #expect(hosts?.perHost == .seconds(2))
        #expect(hosts?.index(host: "b", port: "5432", from: 1) == 1)
        #expect(hosts?.index(host: "a", port: "5432", from: 1) == nil)
        let rest = hosts?.parameters(
            [("host", "a,b"), ("port", "5432"), ("dbname", "x")], from: 1)
        #expect(rest?.map(\.value) == ["b", "5432", "x"])

        #expect(ConnectHosts([("host", "a"), ("connect_timeout", "3")]) == nil)
        #expect(ConnectHosts([("host", "a,b"), ("port", "1,2,3")]) == nil)
        #expect(ConnectHosts([("host", "a,b"), ("hostaddr", "127.0.0.1,127.0.0.2")]) == nil)
        #expect(ConnectHosts([("host", "a,b"), ("port", "1,2")])?.perHost == nil)
        #expect(ConnectHosts([("host", "a,b"), ("connect_timeout", "0")])?.perHost == nil)
    }

    @Test("a first host that accepts and never answers is left for the next one")
    func hangingFirstHost() async throws {
        let cluster = try await TestCluster.shared()
        let hanging = try SilentListener()
        let configuration = PostgresConfiguration(
            connectionString:
                "host=127.0.0.1,127.0.0.1 port=\(hanging.port),\(cluster.port) dbname=postgres "
                + "user=\(TestCluster.superuser) password=\(TestCluster.superuserPassword) "
                + "connect_timeout=2",
            connectTimeout: .seconds(20))
        let loop = try EventLoop(name: "pg-hosts")
        defer { loop.shutdown() }

        let start = ContinuousClock.now
        let connection = try await PostgresConnection.connect(
            configuration, on: loop, logger: TestDatabase.logger)
        let took = ContinuousClock.now - start
        #expect(connection.port == String(cluster.port))
        #expect(took >= .seconds(2) && took < .seconds(5), "connecting took \(took)")
        await connection.close()
        withExtendedLifetime(hanging) {}
    }

    @Test("when every host hangs, the attempt fails after connect_timeout each, naming it")
    func everyHostHangs() async throws {
        let first = try SilentListener()
        let second = try SilentListener()
        let configuration = PostgresConfiguration(
            connectionString:
                "host=127.0.0.1,127.0.0.1 port=\(first.port),\(second.port) dbname=postgres "
                + "user=nobody connect_timeout=2",
            connectTimeout: .seconds(20))
        let loop = try EventLoop(name: "pg-hosts")
        defer { loop.shutdown() }

        let start = ContinuousClock.now
        let error = await #expect(throws: PostgresError.self) {
            _ = try await PostgresConnection.connect(
                configuration, on: loop, logger: TestDatabase.logger)
        }
        let took = ContinuousClock.now - start
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("connect_timeout") == true)
        #expect(took >= .seconds(4) && took < .seconds(8), "failing took \(took)")
        withExtendedLifetime((first, second)) {}
    }
}

/// A loopback port whose connections the kernel accepts and nobody ever reads or answers,
/// like a server that hangs.
final class SilentListener {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw PostgresError(code: .connectionFailed, message: "cannot listen on loopback")
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(self.fd)
    }
}
