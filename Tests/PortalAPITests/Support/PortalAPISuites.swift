import Testing

/// Every suite that starts an API node (a database, pools, a server, an SMTP sink and an
/// outbox worker) runs inside this one, one test at a time: a machine with two cores and a
/// shared test cluster stays responsive, and timeouts measure the code, not the crowd.
@Suite("Portal API over HTTP", .serialized)
enum PortalAPISuites {}
