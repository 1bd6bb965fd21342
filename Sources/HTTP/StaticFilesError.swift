/// Why a ``StaticFiles`` responder could not be set up.
public struct StaticFilesError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `errno` from resolving the root, or 0 when it resolved but is not a directory.
    public let errno: Int32
    public let message: String
    /// The root folder as configured.
    public let root: String

    public init(errno: Int32, message: String, root: String) {
        self.errno = errno
        self.message = message
        self.root = root
    }

    public var description: String {
        "static_files.root: \(self.message) (\(self.root), errno \(self.errno))"
    }
}
