import COpenSSL

/// Reads OpenSSL's thread-local error queue into text for an error message.
enum OpenSSLErrors {
    /// Empties the queue and returns its entries joined by "; " (empty when none).
    static func drain() -> String {
        var entries: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 {
                break
            }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            entries.append(
                String(
                    decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self
                ))
        }
        return entries.joined(separator: "; ")
    }

    /// Discards whatever a previous call left behind, so the next error read is ours.
    static func clear() {
        ERR_clear_error()
    }
}
