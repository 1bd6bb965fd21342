import CPostgres
import Foundation

/// Asks the server to cancel the statement a connection is running (`PQcancel`).
///
/// `PQcancel` opens its own connection to the server and waits for it, so it runs on a
/// thread of its own, never on the event loop.
final class Canceller: @unchecked Sendable {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfreeCancel(self.handle)
    }

    func cancel() {
        // PQcancel connects and waits for the server, so it gets a thread of its own rather
        // than a dispatch worker, which would also be one of Swift's global executor's.
        let thread = Thread {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(self.handle, &buffer, Int32(buffer.count))
        }
        thread.start()
    }
}
