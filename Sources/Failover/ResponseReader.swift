import Foundation

/// Collects the bytes of one HTTP/1.1 answer and says when it is complete: framed by
/// `Content-Length`, by chunked transfer coding, or by the end of the connection.
struct ResponseReader {
    private var bytes: [UInt8] = []

    /// Bytes received so far.
    var count: Int { self.bytes.count }

    mutating func append(_ chunk: [UInt8]) {
        self.bytes += chunk
    }

    /// The answer when it is complete, nil when more bytes are needed; `atEnd` says the
    /// server closed the connection.
    func response(
        atEnd: Bool, target: String
    ) throws(FailoverHTTPError) -> FailoverHTTPClient.Response? {
        guard let headEnd = Self.find([13, 10, 13, 10], in: self.bytes, from: 0) else {
            if atEnd && !self.bytes.isEmpty {
                throw FailoverHTTPError(.malformedResponse, "\(target): answer head cut short")
            }
            return nil
        }
        let head = String(decoding: self.bytes[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, statusLine[0].hasPrefix("HTTP/1."),
            let status = Int(statusLine[1]), (100...599).contains(status)
        else {
            throw FailoverHTTPError(.malformedResponse, "\(target): not an HTTP/1.1 status line")
        }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                throw FailoverHTTPError(.malformedResponse, "\(target): bad header line '\(line)'")
            }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }

        let bodyStart = headEnd + 4
        let rest = Array(self.bytes[bodyStart...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            guard let body = try Self.dechunk(rest, target: target) else {
                if atEnd {
                    throw FailoverHTTPError(.io, "\(target): chunked answer cut short")
                }
                return nil
            }
            return .init(status: status, headers: headers, body: body)
        }
        if let lengthText = headers["content-length"] {
            guard let length = Int(lengthText), length >= 0 else {
                throw FailoverHTTPError(.malformedResponse, "\(target): bad Content-Length")
            }
            guard rest.count >= length else {
                if atEnd { throw FailoverHTTPError(.io, "\(target): answer body cut short") }
                return nil
            }
            return .init(status: status, headers: headers, body: Array(rest[0..<length]))
        }
        return atEnd ? .init(status: status, headers: headers, body: rest) : nil
    }

    private static func dechunk(
        _ bytes: [UInt8], target: String
    ) throws(FailoverHTTPError) -> [UInt8]? {
        var body: [UInt8] = []
        var offset = 0
        while true {
            guard let lineEnd = Self.find([13, 10], in: bytes, from: offset) else { return nil }
            let sizeText =
                String(decoding: bytes[offset..<lineEnd], as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16),
                size >= 0
            else {
                throw FailoverHTTPError(.malformedResponse, "\(target): bad chunk size")
            }
            let start = lineEnd + 2
            if size == 0 { return body }
            guard bytes.count >= start + size + 2 else { return nil }
            body += bytes[start..<(start + size)]
            offset = start + size + 2
        }
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count)
        where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }
}
