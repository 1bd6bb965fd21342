import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A real SMTP server on a loopback port (Debian's aiosmtpd, run by the system Python),
/// started for one test harness and stopped by the pid it was started with. Every message
/// it accepts is written as a JSON file (recipients, subject, text body) into a folder,
/// which the tests read the codes and links from.
final class MailSink: Sendable {
    struct Message: Decodable, Sendable {
        let to: [String]
        let subject: String
        let body: String
        /// The file it was kept in, which orders and names it.
        var file = ""

        enum CodingKeys: String, CodingKey {
            case to, subject, body
        }
    }

    struct SinkError: Error, CustomStringConvertible {
        let description: String
    }

    let port: Int
    let folder: String
    let pid: Int32

    /// Starts the server and waits (at most 20 seconds, without blocking a thread) until it
    /// listens.
    init() async throws {
        self.folder = NSTemporaryDirectory() + "portal-mail-" + UUID().uuidString
        try FileManager.default.createDirectory(
            atPath: self.folder + "/messages", withIntermediateDirectories: true)
        let script = self.folder + "/sink.py"
        try Data(Self.program.utf8).write(to: URL(fileURLWithPath: script))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [script, self.folder]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.pid = process.processIdentifier

        let portFile = self.folder + "/port"
        let deadline = ContinuousClock.now + .seconds(20)
        while !FileManager.default.fileExists(atPath: portFile) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                kill(self.pid, SIGKILL)
                throw SinkError(description: "the SMTP sink did not start (aiosmtpd installed?)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = try String(contentsOfFile: portFile, encoding: .utf8)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SinkError(description: "the SMTP sink wrote no port")
        }
        self.port = port
    }

    /// Stops the server and removes its folder. SIGKILL at once: every message is already
    /// on disk (each file is renamed into place whole), and aiosmtpd's own shutdown takes
    /// seconds. Foundation's `Process` reaps the child, so its end shows as the pid going.
    func stop() async {
        kill(self.pid, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(5)
        while !self.isGone && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        try? FileManager.default.removeItem(atPath: self.folder)
    }

    /// True once the process has ended (reaped, or a zombie not yet reaped).
    private var isGone: Bool {
        if kill(self.pid, 0) != 0 && errno == ESRCH { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(self.pid)/stat", encoding: .utf8)) ?? ""
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state == "Z" || state == "X"
    }

    /// Every message received so far, in arrival order.
    func received() -> [Message] {
        let folder = self.folder + "/messages"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder + "/" + name) else {
                return nil
            }
            var message = try? JSONDecoder().decode(Message.self, from: data)
            message?.file = name
            return message
        }
    }

    /// The port is written once listening; messages are written to a hidden name first and
    /// renamed, so that a reader never sees half a file.
    static let program = #"""
        import email, email.policy, json, os, signal, socket, sys, threading, time
        from aiosmtpd.controller import Controller

        folder = sys.argv[1]
        counter = [0]

        class Keep:
            async def handle_DATA(self, server, session, envelope):
                message = email.message_from_bytes(envelope.content, policy=email.policy.default)
                counter[0] += 1
                name = "%020d-%06d.json" % (time.time_ns(), counter[0])
                record = {"to": envelope.rcpt_tos, "subject": str(message["Subject"] or ""),
                          "body": message.get_content()}
                hidden = os.path.join(folder, "messages", "." + name)
                with open(hidden, "w") as out:
                    json.dump(record, out)
                os.rename(hidden, os.path.join(folder, "messages", name))
                return "250 2.0.0 Kept"

        def free_port():
            probe = socket.socket()
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            probe.close()
            return port

        for attempt in range(5):
            port = free_port()
            controller = Controller(Keep(), hostname="127.0.0.1", port=port)
            try:
                controller.start()
                break
            except Exception:
                if attempt == 4:
                    raise
        with open(os.path.join(folder, ".port"), "w") as out:
            out.write(str(port))
        os.rename(os.path.join(folder, ".port"), os.path.join(folder, "port"))

        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.wait(0.2):
            pass
        controller.stop()
        """#
}
