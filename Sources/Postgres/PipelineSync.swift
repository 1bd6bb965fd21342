import CPostgres

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Marks the end of a caller's segment in the pipeline.
///
/// libpq 17 has `PQsendPipelineSync`, which only queues the sync so that one flush per
/// turn of the loop sends every caller's statements together. Older libpq (Debian 12 ships
/// 15) only has `PQpipelineSync`, which also pushes the buffer to the socket: one write per
/// statement instead of one per turn. The newer call is used when the library has it.
enum PipelineSync {
    private typealias SyncFunction = @convention(c) (OpaquePointer?) -> Int32

    private static let queueOnly: SyncFunction? = {
        guard let library = dlopen(nil, RTLD_NOW), let symbol = dlsym(library, "PQsendPipelineSync")
        else {
            return nil
        }
        return unsafeBitCast(symbol, to: SyncFunction.self)
    }()

    static func send(_ connection: OpaquePointer) -> Bool {
        if let queueOnly = Self.queueOnly {
            return queueOnly(connection) == 1
        }
        return PQpipelineSync(connection) == 1
    }
}
