#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `push` as PostgreSQL's `archive_command`: a thin client of the shipping daemon. It
/// names the file's version (its `FileIdentity`, read without reading the file), asks the
/// daemon whether site B holds that version durably, and succeeds only on the daemon's
/// `stored`; never on a local copy alone. The daemon reads and hashes the file itself,
/// once, when it ships it.
public enum PushClient {
    /// Returns once site B holds `name` (the file at `path`) durably; throws `conflict`
    /// (other bytes archived under the name: the message names the likely cause),
    /// `unreachable`, `daemonUnavailable`, or `usage` / `storage` for bad input.
    public static func push(
        path: String, name: String, configuration: ShipperConfiguration
    ) throws(ReplicatorError) {
        guard let file = WALFileName(name) else {
            throw ReplicatorError(
                .usage, "'\(name.prefix(64))' is not a name PostgreSQL archives (%f)")
        }
        guard let identity = try FileIdentity.of(path) else {
            throw ReplicatorError(.usage, "\(path) (%p) does not exist")
        }
        try Self.checkSameFile(identity, path, configuration.walDirectory + "/" + file.name)

        let socket: Int32
        do {
            socket = try Sockets.connectUnix(configuration.controlSocket, timeout: .seconds(5))
        } catch {
            throw ReplicatorError(
                .daemonUnavailable,
                "the shipping daemon is not running (\(error.message)); start "
                    + "`portal-replicator ship`: nothing was archived")
        }
        defer { close(socket) }

        let answer = try Self.exchange(
            socket, ControlProtocol.request(file, identity: identity),
            deadline: .now + ControlProtocol.pushTimeout + .seconds(30))
        let (word, message) = Self.split(answer)
        switch word {
        case "stored": return
        case "conflict": throw ReplicatorError(.conflict, message)
        case "unreachable": throw ReplicatorError(.unreachable, message)
        default: throw ReplicatorError(.notArchived, "\(file) was not archived: \(message)")
        }
    }

    /// The daemon ships `walDirectory/NAME`; %p must be that very file, or the
    /// configuration names another pg_wal than the one PostgreSQL archives from.
    private static func checkSameFile(
        _ given: FileIdentity, _ path: String, _ shipped: String
    ) throws(ReplicatorError) {
        var expected = stat()
        guard stat(shipped, &expected) == 0, given.device == UInt64(expected.st_dev),
            given.inode == UInt64(expected.st_ino)
        else {
            throw ReplicatorError(
                .usage,
                "\(path) (%p) is not \(shipped), the file the daemon ships: walDirectory must be "
                    + "the pg_wal this server archives from")
        }
    }

    private static func exchange(
        _ socket: Int32, _ request: String, deadline: ContinuousClock.Instant
    ) throws(ReplicatorError) -> String {
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            guard Sockets.wait(socket, writable: true, until: deadline) else { break }
            let count = bytes[sent...].withUnsafeBytes { write(socket, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { break }
            sent += count
        }
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while sent == bytes.count, !line.contains(0x0A), line.count < ControlProtocol.lineLimit {
            guard Sockets.wait(socket, writable: false, until: deadline) else { break }
            let count = read(socket, &buffer, buffer.count)
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { break }
            line += buffer[0..<count]
        }
        guard let end = line.firstIndex(of: 0x0A) else {
            throw ReplicatorError(
                .daemonUnavailable, "the shipping daemon did not answer: nothing was archived")
        }
        return String(decoding: line[..<end], as: UTF8.self)
    }

    private static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line, "") }
        return (String(line[..<space]), String(line[line.index(after: space)...]))
    }
}
