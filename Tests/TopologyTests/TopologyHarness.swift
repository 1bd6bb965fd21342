import Foundation
import PortalTesting
import Topology

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Runs the built `portalctl` against a state folder of its own under /tmp, on a base port
/// below the ephemeral range whose ten ports are free, and removes what it made.
struct TopologyHarness {
    let state: String
    let base: Int

    /// The checkout (migrations/, scripts/, web/): two folders above this file.
    static let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    init() throws {
        self.state = "/tmp/portal-topo-\(UUID().uuidString.prefix(8))"
        self.base = try Self.freeBase()
    }

    /// `portalctl ARGUMENTS`, with PORTAL_BASE_PORT set to this harness's base.
    func portalctl(
        _ arguments: String..., timeout: Duration = .seconds(120)
    ) async throws
        -> CommandOutput
    {
        try await ProcessRunner.run(
            BuiltProduct.path("portalctl"), arguments, directory: Self.source,
            environment: ["PORTAL_BASE_PORT": String(self.base)], timeout: timeout)
    }

    /// `portalctl status --json`, decoded, with its exit status.
    func status() async throws -> (status: Int32, report: TopologyStatus) {
        let output = try await self.portalctl("status", "--state", self.state, "--json")
        let report = try JSONDecoder().decode(
            TopologyStatus.self, from: Data(output.standardOutput.utf8))
        return (output.status, report)
    }

    /// Stops whatever runs and removes the state folder.
    func remove() async {
        _ = try? await self.portalctl("down", "--state", self.state)
        try? FileManager.default.removeItem(atPath: self.state)
    }

    /// True when `pid` no longer runs (gone, or a zombie nobody has reaped yet).
    static func isGone(_ pid: Int32) -> Bool {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else {
            return true
        }
        let state = text[text.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// A base from 20000 to 32000 whose ten ports are free now.
    private static func freeBase() throws -> Int {
        for _ in 0..<50 {
            let base = Int.random(in: 2_000...3_200) * 10
            if (base..<base + PortPlan.width).allSatisfy(PortPlan.isFree) {
                return base
            }
        }
        throw TopologyError(.portTaken, "no ten free ports in a row found from 20000 to 32000")
    }
}

/// A listening socket on 127.0.0.1:`port`, to take a port away from `up`.
final class PortBlocker {
    let fd: Int32

    init(port: Int) throws {
        self.fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(self.fd, 1) == 0 else {
            close(self.fd)
            throw TopologyError(.portTaken, "cannot listen on \(port)")
        }
    }

    deinit {
        close(self.fd)
    }
}
