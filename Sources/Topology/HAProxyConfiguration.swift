/// HAProxy's configuration for the front door: every API node of both sites behind one
/// port, checked with `GET /readyz` (only nodes whose database is the writable primary
/// answer 200), retrying a request on another node only when the connection to a node
/// failed, so a request that reached a node is never sent twice.
enum HAProxyConfiguration {
    static func render(ports: PortPlan, nodes: [APINode]) -> String {
        let servers = nodes.map {
            "    server \($0.name) 127.0.0.1:\($0.port) check"
        }.joined(separator: "\n")
        return """
            # Written by portalctl up; edits are lost at the next up.
            global
                maxconn 4096
                log stderr format iso local0 info

            defaults
                mode http
                log global
                option httplog
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout http-request 10s
                # A connection that failed is retried (on another node: redispatch); a request
                # that reached a node is never replayed, whatever became of it.
                retries 3
                retry-on conn-failure
                option redispatch

            frontend portal
                bind 127.0.0.1:\(ports.front)
                default_backend api

            backend api
                balance roundrobin
                option httpchk GET /readyz
                http-check expect status 200
                # A node that failed its check is checked every 100 ms, so it is back in
                # rotation within about that long of reaching the new primary after a failover.
                default-server inter 1s fastinter 100ms downinter 100ms fall 2 rise 1
            \(servers)

            """
    }
}
