/// The DATA phase's transparency rule (RFC 5321 section 4.5.2).
enum SMTPData {
    /// `message` with a dot doubled at the start of every line, line endings as CRLF, a
    /// final CRLF if missing, and the terminating `.` line.
    static func stuffed(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + 8)
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if atLineStart, byte == UInt8(ascii: ".") {
                output.append(UInt8(ascii: "."))
            }
            switch byte {
            case UInt8(ascii: "\r"):
                output.append(contentsOf: [13, 10])
                if index + 1 < message.count, message[index + 1] == 10 {
                    index += 1
                }
                atLineStart = true
            case UInt8(ascii: "\n"):
                output.append(contentsOf: [13, 10])
                atLineStart = true
            default:
                output.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart {
            output.append(contentsOf: [13, 10])
        }
        output.append(contentsOf: Array(".\r\n".utf8))
        return output
    }
}
