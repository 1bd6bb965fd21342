#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback port, used by one thread with blocking
/// calls: a write of the request, reads until the response's Content-Length is in. That is
/// a system call or two each way per request, as cheap a client as pgbench's.
final class LoopbackConnection {
    struct Response {
        let status: Int
        let body: [UInt8]
    }

    private let socket: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(port: Int) throws(BenchFailure) {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw BenchFailure("socket() failed: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socket)
            throw BenchFailure("could not connect to 127.0.0.1:\(port): errno \(errno)")
        }
        var one: Int32 = 1
        let size = socklen_t(MemoryLayout<Int32>.size)
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, size)
        self.socket = socket
    }

    deinit {
        close(self.socket)
    }

    /// Sends `request` and reads the whole response (no pipelining: nothing is left over).
    func exchange(_ request: [UInt8]) throws(BenchFailure) -> Response {
        var sent = 0
        while sent < request.count {
            let count = request.withUnsafeBytes {
                write(self.socket, $0.baseAddress! + sent, request.count - sent)
            }
            guard count > 0 else { throw BenchFailure("write failed: errno \(errno)") }
            sent += count
        }

        var received = 0
        var headEnd: Int?
        var total = Int.max
        while received < total {
            if received == self.buffer.count {
                self.buffer += [UInt8](repeating: 0, count: self.buffer.count)
            }
            let count = self.buffer.withUnsafeMutableBytes {
                read(self.socket, $0.baseAddress! + received, $0.count - received)
            }
            guard count > 0 else { throw BenchFailure("the server closed the connection") }
            received += count
            if headEnd == nil, let end = Self.headEnd(self.buffer, upTo: received) {
                headEnd = end
                total = end + (try Self.contentLength(self.buffer[..<end]))
            }
        }
        guard let headEnd, received >= 12 else { throw BenchFailure("no response head") }
        let status = self.buffer[9..<12].reduce(0) { $0 * 10 + Int($1) - 48 }
        return Response(status: status, body: Array(self.buffer[headEnd..<received]))
    }

    /// The index just past the blank line ending the head, if it has arrived.
    private static func headEnd(_ bytes: [UInt8], upTo count: Int) -> Int? {
        guard count >= 4 else { return nil }
        for index in 3..<count
        where bytes[index] == 10 && bytes[index - 1] == 13 && bytes[index - 2] == 10
            && bytes[index - 3] == 13
        {
            return index + 1
        }
        return nil
    }

    private static func contentLength(_ head: ArraySlice<UInt8>) throws(BenchFailure) -> Int {
        let text = String(decoding: head, as: UTF8.self).lowercased()
        guard let range = text.range(of: "\r\ncontent-length:") else {
            throw BenchFailure("a response without Content-Length")
        }
        let digits = text[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber }
        guard let length = Int(digits) else { throw BenchFailure("a bad Content-Length") }
        return length
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
