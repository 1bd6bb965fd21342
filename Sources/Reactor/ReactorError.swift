#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A failed system call in the reactor, with the call's name and the errno it left.
public struct ReactorError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let errno: Int32

    public static func system(_ call: String) -> ReactorError {
        ReactorError(call: call, errno: Glibc.errno)
    }

    public var description: String {
        "\(self.call) failed: \(String(cString: strerror(self.errno))) (errno \(self.errno))"
    }
}
