import CPostgres
import Dispatch

/// Asks the server to cancel the statement a connection is running (`PQcancel`).
///
/// `PQcancel` opens its own connection to the server and waits for it, so it runs on a
/// Dispatch global queue, never on the event loop.
final class Canceller: @unchecked Sendable {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) {
        self.handle = handle
    }

    deinit {
        PQfreeCancel(self.handle)
    }

    func cancel() {
        DispatchQueue.global().async {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(self.handle, &buffer, Int32(buffer.count))
        }
    }
}
