import Foundation
import PortalTesting

/// The files the site and postcode tests read: the repository's Code-Point Open sample and
/// files written for one test.
enum SitesFiles {
    /// The repository's root folder.
    static var repository: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// The Code-Point Open sample the repository carries.
    static var codePointSample: String {
        Self.repository + "/data/codepoint-sample.csv"
    }

    /// A file in a fresh temporary folder holding `text`.
    static func temporary(_ text: String, name: String = "postcodes.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("referrals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
