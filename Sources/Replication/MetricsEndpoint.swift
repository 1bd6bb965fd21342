import Foundation
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A minimal HTTP/1.1 endpoint serving `GET /metrics` in the Prometheus text format, on its
/// own thread: one short request per connection, then close. The replicator has no other
/// HTTP to serve, so this stays apart from the API's server.
public final class MetricsEndpoint: Sendable {
    /// The port it listens on.
    public let port: Int
    private let listener: Int32
    private let metrics: Metrics
    private let stopSignal: StopSignal

    /// Listens on `endpoint` (port 0 picks a free port, see `port`).
    public init(_ endpoint: Endpoint, metrics: Metrics, stop: StopSignal) throws(ReplicatorError) {
        (self.listener, self.port) = try Sockets.listenTCP(endpoint)
        self.metrics = metrics
        self.stopSignal = stop
    }

    /// Serves on a thread of its own until the stop signal.
    public func start() {
        Thread.detachNewThread { [self] in
            while !self.stopSignal.isStopped {
                guard Sockets.wait(self.listener, writable: false, until: .now + .seconds(1))
                else { continue }
                guard let client = Sockets.accept(self.listener) else { continue }
                self.answer(client)
                close(client)
            }
            close(self.listener)
        }
    }

    private func answer(_ client: Int32) {
        let deadline = ContinuousClock.now + .seconds(2)
        var request: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1_024)
        while request.count < 8_192, !request.ends(with: Array("\r\n\r\n".utf8)) {
            guard Sockets.wait(client, writable: false, until: deadline) else { return }
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return }
            request += buffer[0..<count]
        }
        let line = String(decoding: request.prefix { $0 != 0x0D }, as: UTF8.self)
        let found = line.hasPrefix("GET /metrics ") || line == "GET /metrics"
        let body = found ? self.metrics.render() : Array("not found\n".utf8)
        let head =
            "HTTP/1.1 \(found ? "200 OK" : "404 Not Found")\r\n"
            + "Content-Type: \(found ? Metrics.contentType : "text/plain")\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let response = Array(head.utf8) + body
        var sent = 0
        while sent < response.count {
            guard Sockets.wait(client, writable: true, until: deadline) else { return }
            let count = response[sent...].withUnsafeBytes {
                write(client, $0.baseAddress, $0.count)
            }
            guard count > 0 else { return }
            sent += count
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        self.count >= suffix.count && Array(self[(self.count - suffix.count)...]) == suffix
    }
}
