import Foundation
import Synchronization
import Telemetry
import Testing

/// Collects the lines a logger writes.
private final class CapturedLines: Sendable {
    private let lines = Mutex<[[UInt8]]>([])

    var sink: LogSink { LogSink { line in self.lines.withLock { $0.append(line) } } }

    var all: [[UInt8]] { self.lines.withLock { $0 } }

    func objects() throws -> [[String: Any]] {
        try self.all.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line))
            return try #require(object as? [String: Any])
        }
    }
}

@Suite struct LoggerTests {
    @Test func writesOneJSONObjectALineWithTheFixedFieldsThenMetadataAndFields() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "http", level: .debug, sink: captured.sink)
            .with("request.id", "r-1")

        logger.info(
            "request served",
            [("http.status", 200), ("http.route", "/a/:id"), ("slow", .bool(false))])

        let line = try #require(captured.all.first)
        #expect(captured.all.count == 1)
        #expect(line.last == 0x0A)
        #expect(line.dropLast().contains(0x0A) == false)

        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix(#"{"time":""#))
        #expect(
            text.hasSuffix(
                #","level":"info","logger":"http","msg":"request served","request.id":"r-1","#
                    + #""http.status":200,"http.route":"/a/:id","slow":false}"# + "\n"))

        let object = try #require(try captured.objects().first)
        let time = try #require(object["time"] as? String)
        #expect(time.count == 24)
        #expect(time.hasSuffix("Z"))
        #expect(ISO8601DateFormatter.withFractionalSeconds.date(from: time) != nil)
    }

    @Test func levelsBelowTheThresholdAreNotWritten() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "db", level: .warning, sink: captured.sink)

        logger.trace("t")
        logger.debug("d")
        logger.info("i")
        logger.warning("w")
        logger.error("e")

        let levels = try captured.objects().map { $0["level"] as? String }
        #expect(levels == ["warning", "error"])
        #expect(logger.isEnabled(.error))
        #expect(!logger.isEnabled(.info))
    }

    @Test func messagesAndFieldsWithAwkwardCharactersStayOneLine() throws {
        let captured = CapturedLines()
        let logger = Logger(label: "x", level: .trace, sink: captured.sink)

        logger.debug("two\nlines \"quoted\"", [("path", "/a\\b\n"), ("ratio", .double(0.5))])

        #expect(captured.all.count == 1)
        let object = try #require(try captured.objects().first)
        #expect(object["msg"] as? String == "two\nlines \"quoted\"")
        #expect(object["path"] as? String == "/a\\b\n")
        #expect(object["ratio"] as? Double == 0.5)
    }

    @Test func levelNamesParseCaseInsensitively() {
        #expect(Logger.Level(name: "DEBUG") == .debug)
        #expect(Logger.Level(name: "warning") == .warning)
        #expect(Logger.Level(name: "verbose") == nil)
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
