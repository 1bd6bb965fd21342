/// One portal-api node of the topology and the settings it starts with.
public struct APINode: Sendable {
    public let name: String
    public let site: Site
    public let port: Int

    /// Two nodes at site A and one at site B.
    public static func all(_ ports: PortPlan) -> [APINode] {
        [
            APINode(name: "api-a1", site: .a, port: ports.apiA1),
            APINode(name: "api-a2", site: .a, port: ports.apiA2),
            APINode(name: "api-b1", site: .b, port: ports.apiB1),
        ]
    }

    /// The connection string naming both sites, this node's own first: libpq tries them in
    /// turn and keeps the first with the wanted role (`read-write` for the application,
    /// `prefer-standby` for reports, which may lag by the replay delay). TCP keepalives and
    /// a two-second user timeout make a connection to a server cut off by the network fail
    /// within seconds, as a refused one does at once, so the pool moves to the new primary
    /// instead of waiting for the kernel's retransmissions to give up.
    func connectionString(ports: PortPlan, targetSessionAttributes: String) -> String {
        let order =
            self.site == .a
            ? [ports.postgresA, ports.postgresB]
            : [ports.postgresB, ports.postgresA]
        return "host=127.0.0.1,127.0.0.1 port=\(order.map(String.init).joined(separator: ",")) "
            + "dbname=portal user=portal_app connect_timeout=2 "
            + "keepalives=1 keepalives_idle=2 keepalives_interval=1 keepalives_count=2 "
            + "tcp_user_timeout=2000 target_session_attrs=\(targetSessionAttributes)"
    }

    /// portal-api's environment: loopback, the multi-host connection strings, the demo
    /// tenant on every host, the mail catcher as SMTP relay.
    func environment(ports: PortPlan, webRoot: String) -> [String: String] {
        Programs.baseEnvironment.merging([
            "PORTAL_HTTP_HOST": "127.0.0.1",
            "PORTAL_HTTP_PORT": String(self.port),
            "PORTAL_HTTP_LOOPS": "1",
            "PORTAL_DB_URL": self.connectionString(
                ports: ports, targetSessionAttributes: "read-write"),
            "PORTAL_DB_REPORT_URL": self.connectionString(
                ports: ports, targetSessionAttributes: "prefer-standby"),
            "PORTAL_WEB_ROOT": webRoot,
            "PORTAL_DEFAULT_TENANT": "demo",
            "PORTAL_DEFAULT_PORTAL_URL": "http://127.0.0.1:\(ports.front)",
            "PORTAL_PUBLIC_SCHEME": "http",
            "PORTAL_COOKIE_SECURE": "false",
            "PORTAL_TRUSTED_PROXIES": "127.0.0.1",
            "PORTAL_SMTP_HOST": "127.0.0.1",
            "PORTAL_SMTP_PORT": String(ports.mail),
            "PORTAL_SMTP_SECURITY": "plaintext",
            "PORTAL_MAIL_FROM": "portal@demo.nhs.test",
        ]) { $1 }
    }
}
