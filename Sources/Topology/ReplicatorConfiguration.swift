import Foundation

/// The replicator's two configuration files (the shipper's at site A, the receiver's at
/// site B), in the keys portal-replicator reads.
enum ReplicatorConfiguration {
    static func shipper(
        state: StateFolder, ports: PortPlan, leaf: CertificateAuthority.Leaf, authority: String
    ) -> String {
        Self.json([
            "walDirectory": state.dataFolder(.a) + "/pg_wal",
            "controlSocket": state.controlSocket,
            "receiver": ["host": "127.0.0.1", "port": ports.receiver, "serverName": "site-b"],
            "tls": [
                "certificate": leaf.certificate, "privateKey": leaf.privateKey,
                "authority": authority,
            ],
            "streams": 4, "lookahead": 16, "compressionLevel": 1,
            "metrics": ["host": "127.0.0.1", "port": ports.shipperMetrics],
            "backlogAlertSeconds": 60,
        ])
    }

    static func receiver(
        state: StateFolder, ports: PortPlan, leaf: CertificateAuthority.Leaf, authority: String
    ) -> String {
        Self.json([
            "listen": ["host": "127.0.0.1", "port": ports.receiver],
            "archiveDirectory": state.archiveFolder,
            "tls": [
                "certificate": leaf.certificate, "privateKey": leaf.privateKey,
                "authority": authority,
            ],
            "prefetch": 8, "prefetchDirectory": state.spoolFolder,
            "metrics": ["host": "127.0.0.1", "port": ports.receiverMetrics],
            "backup": [
                "connection":
                    "host=127.0.0.1 port=\(ports.postgresA) user=postgres dbname=postgres",
                "keepBackups": 2, "maxAgeDays": 7,
            ],
        ])
    }

    private static func json(_ object: [String: Any]) -> String {
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object,
                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
