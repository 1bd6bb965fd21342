import Foundation

/// The lines of a file, read a megabyte at a time so that a file of any size (the ONS
/// Postcode Directory is over a gigabyte) is never held whole in memory. A line comes
/// without its LF (and CR); a UTF-8 byte order mark at the start is skipped.
struct FileLines {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var started = false

    /// Bytes read at a time.
    private let chunk: Int

    init?(path: String, chunk: Int = 1 << 20) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
        self.chunk = chunk
    }

    /// The next line; nil at the end of the file. Throws when reading fails.
    mutating func next() throws -> ArraySlice<UInt8>? {
        while true {
            if let newline = self.buffer[self.position...].firstIndex(of: UInt8(ascii: "\n")) {
                return self.take(upTo: newline, skipping: 1)
            }
            if self.atEnd {
                guard self.position < self.buffer.count else { return nil }
                return self.take(upTo: self.buffer.count, skipping: 0)
            }

            self.buffer.removeFirst(self.position)
            self.position = 0
            let data = try self.handle.read(upToCount: self.chunk) ?? Data()
            if data.isEmpty {
                self.atEnd = true
            } else {
                self.buffer.append(contentsOf: data)
            }
            if !self.started, self.buffer.count >= 3 || self.atEnd {
                self.started = true
                if self.buffer.starts(with: [0xEF, 0xBB, 0xBF]) { self.position = 3 }
            }
        }
    }

    private mutating func take(upTo end: Int, skipping separator: Int) -> ArraySlice<UInt8> {
        var line = self.buffer[self.position..<end]
        self.position = end + separator
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        return line
    }
}
