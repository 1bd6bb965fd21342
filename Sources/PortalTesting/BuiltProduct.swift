import Foundation

/// Executables of this package as the tests find them: built into the same folder as the
/// running test bundle, so a test runs exactly the `portalctl` it was built with.
public enum BuiltProduct {
    /// The path of the product `name` (`portalctl`, `portal-api`) beside the test bundle.
    public static func path(_ name: String) -> String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent()
            .appendingPathComponent(name).path
    }
}
