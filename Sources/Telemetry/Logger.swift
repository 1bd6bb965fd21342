#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A structured logger that writes one JSON object a line to standard error.
///
/// The message is a constant; the data goes in fields with fixed, prefixed names
/// (`request.id`, `db.host`, `wal.segment`). Metadata set on a logger (the request id, say)
/// is carried into every line it writes. Libraries log at trace and debug; executables log
/// start, stop and role changes at info.
public struct Logger: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case trace, debug, info, warning, error

        public var name: String {
            switch self {
            case .trace: "trace"
            case .debug: "debug"
            case .info: "info"
            case .warning: "warning"
            case .error: "error"
            }
        }

        /// Parses a level name as written in configuration (`PORTAL_LOG_LEVEL=debug`).
        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name.lowercased() }) else {
                return nil
            }
            self = level
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A field value in a log line.
    public enum Value: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case int(Int64)
        case double(Double)
        case bool(Bool)

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int64) { self = .int(value) }
    }

    public let label: String
    public var level: Level
    public var metadata: [(String, Value)]
    private let sink: LogSink

    public init(label: String, level: Level = .info, sink: LogSink = .standardError) {
        self.label = label
        self.level = level
        self.metadata = []
        self.sink = sink
    }

    /// A copy of this logger that adds `value` under `key` to every line.
    public func with(_ key: String, _ value: Value) -> Logger {
        var copy = self
        copy.metadata.append((key, value))
        return copy
    }

    public func trace(_ message: @autoclosure () -> String, _ fields: [(String, Value)] = []) {
        self.log(.trace, message(), fields)
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: [(String, Value)] = []) {
        self.log(.debug, message(), fields)
    }

    public func info(_ message: @autoclosure () -> String, _ fields: [(String, Value)] = []) {
        self.log(.info, message(), fields)
    }

    public func warning(_ message: @autoclosure () -> String, _ fields: [(String, Value)] = []) {
        self.log(.warning, message(), fields)
    }

    public func error(_ message: @autoclosure () -> String, _ fields: [(String, Value)] = []) {
        self.log(.error, message(), fields)
    }

    public func isEnabled(_ level: Level) -> Bool { level >= self.level }

    private func log(_ level: Level, _ message: String, _ fields: [(String, Value)]) {
        guard level >= self.level else { return }

        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("time")
        json.string(LogClock.timestamp())
        json.key("level")
        json.string(level.name)
        json.key("logger")
        json.string(self.label)
        json.key("msg")
        json.string(message)
        for (key, value) in self.metadata + fields {
            json.key(key)
            switch value {
            case .string(let text): json.string(text)
            case .int(let number): json.integer(number)
            case .double(let number): json.number(number)
            case .bool(let flag): json.bool(flag)
            }
        }
        json.endObject()

        var line = json.bytes
        line.append(0x0A)
        self.sink.write(line)
    }
}

/// Where log lines go. Each line is handed over whole, in one call, so that lines from
/// several threads never interleave.
public struct LogSink: Sendable {
    private let writeLine: @Sendable ([UInt8]) -> Void

    public init(_ writeLine: @escaping @Sendable ([UInt8]) -> Void) {
        self.writeLine = writeLine
    }

    public func write(_ line: [UInt8]) { self.writeLine(line) }

    /// Standard error, one `write(2)` a line.
    public static let standardError = LogSink { line in
        line.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Formats wall-clock time as RFC 3339 in UTC with milliseconds.
enum LogClock {
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)

        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let millis = Int32(now.tv_nsec / 1_000_000)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))"
            + ".\(pad(millis, 3))Z"
    }
}
