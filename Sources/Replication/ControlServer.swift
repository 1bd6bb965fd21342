import Foundation
import Synchronization
import Telemetry

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The shipping daemon's Unix socket for `push`: one request a connection, answered from
/// the queue, a thread per connection up to `maximumClients`.
final class ControlServer: Sendable {
    static let maximumClients = 64

    let path: String
    private let listener: Int32
    private let queue: ShipQueue
    private let logger: Logger
    private let stopSignal: StopSignal
    private let clients = Mutex(0)

    /// Listens at `path`, readable and writable by its owner and group only. When the
    /// daemon runs as root the socket is given to the owner of `walDirectory`, the account
    /// PostgreSQL (and so `push`) runs as.
    init(
        path: String, walDirectory: String, queue: ShipQueue, logger: Logger, stop: StopSignal
    ) throws(ReplicatorError) {
        self.path = path
        self.listener = try Sockets.listenUnix(path)
        chmod(path, 0o660)
        var owner = stat()
        if geteuid() == 0, stat(walDirectory, &owner) == 0 {
            chown(path, owner.st_uid, owner.st_gid)
        }
        self.queue = queue
        self.logger = logger
        self.stopSignal = stop
    }

    func start() {
        Thread.detachNewThread { [self] in
            while !self.stopSignal.isStopped {
                guard
                    Sockets.wait(self.listener, writable: false, until: .now + .milliseconds(500)),
                    let client = Sockets.accept(self.listener)
                else { continue }
                let admitted = self.clients.withLock { count in
                    guard count < Self.maximumClients else { return false }
                    count += 1
                    return true
                }
                guard admitted else {
                    self.reply(client, "failed too many push requests at once\n")
                    close(client)
                    continue
                }
                Thread.detachNewThread { [self] in
                    self.serve(client)
                    close(client)
                    self.clients.withLock { $0 -= 1 }
                }
            }
            close(self.listener)
        }
    }

    /// Removes the socket file, so `push` learns at once that no daemon runs.
    func remove() {
        unlink(self.path)
    }

    private func serve(_ client: Int32) {
        let deadline = ContinuousClock.now + .seconds(5)
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while line.count < ControlProtocol.lineLimit {
            guard Sockets.wait(client, writable: false, until: deadline) else { return }
            let count = read(client, &byte, 1)
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count == 1 else { return }
            if byte == 0x0A { break }
            line.append(byte)
        }
        let request = String(decoding: line, as: UTF8.self)
        let answer: ShipQueue.PushAnswer
        do {
            let (name, identity) = try ControlProtocol.parse(request: request)
            answer = self.queue.awaitPush(
                name, identity: identity, timeout: ControlProtocol.pushTimeout)
            self.logger.debug(
                "push answered",
                [
                    ("wal.file", .string(name.name)),
                    ("answer", .string(String(ControlProtocol.line(answer).dropLast()))),
                ])
        } catch {
            answer = .failed(error.message)
        }
        self.reply(client, ControlProtocol.line(answer))
    }

    private func reply(_ client: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        let deadline = ContinuousClock.now + .seconds(5)
        var sent = 0
        while sent < bytes.count {
            guard Sockets.wait(client, writable: true, until: deadline) else { return }
            let count = bytes[sent...].withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { return }
            sent += count
        }
    }
}
