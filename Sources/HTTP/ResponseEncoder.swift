/// What the server remembers about a request while its handler runs: enough to frame the
/// response, log it and count it.
struct Exchange: Sendable {
    let place: UInt64
    let method: HTTPMethod
    let version: HTTPVersion
    var keepAlive: Bool
    let id: String
    /// Monotonic nanoseconds when the request was complete.
    let started: Int64
    /// The request's `Accept-Encoding`, for compressing the response.
    let acceptEncoding: String?
}

/// Turns a response into wire bytes. The server owns framing: `Content-Length`,
/// `Connection`, `Date`, `Transfer-Encoding` set by a responder are replaced, and a field
/// whose name is not a token or whose value holds CR, LF or NUL is dropped rather than
/// let split the response.
enum ResponseEncoder {
    static func encode(_ response: HTTPResponse, for exchange: Exchange, date: [UInt8]) -> [UInt8] {
        let sendsBody = !response.status.forbidsBody && exchange.method != .head
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + (sendsBody ? response.body.count : 0))

        bytes.append(contentsOf: "HTTP/1.1 ".utf8)
        Self.appendDecimal(response.status.code, to: &bytes)
        bytes.append(ByteClass.space)
        bytes.append(contentsOf: response.status.reasonPhrase.utf8)
        bytes.append(contentsOf: [ByteClass.cr, ByteClass.lf])

        for field in response.headers where Self.isAllowed(field) {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: [UInt8(ascii: ":"), ByteClass.space])
            bytes.append(contentsOf: field.value.utf8)
            bytes.append(contentsOf: [ByteClass.cr, ByteClass.lf])
        }

        // 1xx and 204 have no content; a 304's length would have to be that of the 200 it
        // stands for, which the server does not know, so it is left out (RFC 9110 §8.6).
        if !response.status.forbidsBody {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            Self.appendDecimal(response.body.count, to: &bytes)
            bytes.append(contentsOf: [ByteClass.cr, ByteClass.lf])
        }
        bytes.append(contentsOf: "Date: ".utf8)
        bytes.append(contentsOf: date)
        bytes.append(contentsOf: "\r\nX-Request-ID: ".utf8)
        bytes.append(contentsOf: exchange.id.utf8)
        if !exchange.keepAlive {
            bytes.append(contentsOf: "\r\nConnection: close".utf8)
        } else if exchange.version == .http1_0 {
            bytes.append(contentsOf: "\r\nConnection: keep-alive".utf8)
        }
        bytes.append(contentsOf: "\r\n\r\n".utf8)

        if sendsBody {
            bytes.append(contentsOf: response.body)
        }
        return bytes
    }

    private static func isAllowed(_ field: HTTPHeaders.Field) -> Bool {
        let name = field.name
        switch name.utf8.count {
        case 4 where HTTPHeaders.sameName(name, "date"): return false
        case 10 where HTTPHeaders.sameName(name, "connection"): return false
        case 12 where HTTPHeaders.sameName(name, "x-request-id"): return false
        case 14 where HTTPHeaders.sameName(name, "content-length"): return false
        case 17 where HTTPHeaders.sameName(name, "transfer-encoding"): return false
        default: break
        }
        return !name.isEmpty && name.utf8.allSatisfy(ByteClass.isToken)
            && field.value.utf8.allSatisfy(ByteClass.isFieldValue)
    }

    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        guard value > 0 else {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                bytes.append(buffer[index])
            }
        }
    }
}
