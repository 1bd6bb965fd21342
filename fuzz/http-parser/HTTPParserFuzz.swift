// libFuzzer target for the HTTP request parser. Built with `-sanitize=fuzzer,address` and
// `-D FUZZING` by scripts/fuzz-http; a plain `swift build` makes a replay tool instead
// that runs the files named on its command line through the same checks.
import HTTP

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Parses `bytes` fed in pieces of `piece` bytes and returns a summary of every step.
private func summarize(_ bytes: UnsafeBufferPointer<UInt8>, piece: Int) -> [String] {
    let limits = RequestParser.Limits(
        requestLineBytes: 256, headerBytes: 512, headerCount: 16, bodyBytes: 1024)
    var parser = RequestParser(limits: limits)
    var steps: [String] = []
    var offset = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + piece)
        parser.append(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[offset..<end])))
        offset = end

        var budget = 1000
        while budget > 0 {
            budget -= 1
            switch parser.next() {
            case .needMore:
                budget = 0
            case .sendContinue:
                steps.append("continue")
            case .request(let request):
                let head = request.head
                steps.append(
                    "\(head.method) \(head.path) \(head.query ?? "-") \(head.version) \(head.keepAlive) "
                        + "\(head.headers.count) \(request.body)")
            case .failure(let error):
                steps.append("failure \(error.code.rawValue) \(error.status.code)")
                return steps
            }
        }
    }
    return steps
}

/// The property checked: how the bytes are split across reads never changes the outcome.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: data == nil ? 0 : size)
    let whole = summarize(bytes, piece: max(1, bytes.count))
    let split = summarize(bytes, piece: 1 + Int(bytes.isEmpty ? 0 : bytes[0] % 7))
    precondition(whole == split, "the parser's result depends on how the input was split")
    return 0
}

#if FUZZING
    /// libFuzzer's entry point for a program that has its own `main`.
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32
#else
    import Foundation
#endif

/// Under libFuzzer, runs the fuzzer; otherwise replays saved inputs (crash reproducers,
/// the seed corpus) named on the command line.
@main
enum HTTPParserFuzz {
    static func main() {
        #if FUZZING
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            let status = runFuzzerDriver(&argc, &argv) { data, size in fuzzHTTPParser(data, size) }
            exit(status)
        #else
            for path in CommandLine.arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    print("cannot read \(path)")
                    exit(1)
                }
                let bytes = [UInt8](data)
                _ = bytes.withUnsafeBufferPointer { fuzzHTTPParser($0.baseAddress, $0.count) }
                print("ok \(path)")
            }
        #endif
    }
}
