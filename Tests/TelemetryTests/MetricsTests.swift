import Dispatch
import Telemetry
import Testing

@Suite struct MetricsTests {
    private func text(_ metrics: Metrics) -> String {
        String(decoding: metrics.render(), as: UTF8.self)
    }

    @Test func rendersCountersAndGaugesWithHelpAndType() throws {
        let metrics = Metrics()
        let requests = try metrics.counter("http_requests_total", help: "Requests served.")
        let open = try metrics.gauge("http_connections_open", help: "Connections open now.")

        requests.increment()
        requests.increment(by: 41)
        open.set(3)
        open.add(0.5)
        open.decrement()

        #expect(
            self.text(metrics) == """
                # HELP http_requests_total Requests served.
                # TYPE http_requests_total counter
                http_requests_total 42
                # HELP http_connections_open Connections open now.
                # TYPE http_connections_open gauge
                http_connections_open 2.5

                """)
    }

    @Test func labelledChildrenAreCachedAndRenderedInFirstUseOrder() throws {
        let metrics = Metrics()
        let family = try metrics.counter(
            "responses_total", help: "Responses.", labels: ["route", "status"])

        let ok = try family.labels("/a/:id", "200")
        try family.labels("/b", "404").increment()
        ok.increment()
        try family.labels("/a/:id", "200").increment()

        #expect(try family.labels("/a/:id", "200") === ok)
        #expect(ok.current == 2)
        #expect(
            self.text(metrics) == """
                # HELP responses_total Responses.
                # TYPE responses_total counter
                responses_total{route="/a/:id",status="200"} 2
                responses_total{route="/b",status="404"} 1

                """)
    }

    @Test func escapesLabelValuesAndHelpText() throws {
        let metrics = Metrics()
        let family = try metrics.counter(
            "odd_total", help: "Back\\slash and\nnewline \"kept\".", labels: ["v"])
        try family.labels("a\"b\\c\nd").increment()

        #expect(
            self.text(metrics) == """
                # HELP odd_total Back\\\\slash and\\nnewline "kept".
                # TYPE odd_total counter
                odd_total{v="a\\"b\\\\c\\nd"} 1

                """)
    }

    @Test func histogramRendersCumulativeBucketsSumAndCount() throws {
        let metrics = Metrics()
        let family = try metrics.histogram(
            "request_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 0.5, 1])
        let latency = try family.labels("/x")

        latency.observe(0.05)
        latency.observe(0.1)
        latency.observe(0.3)
        latency.observe(2)
        latency.observe(nanoseconds: 750_000_000)

        #expect(
            self.text(metrics) == """
                # HELP request_seconds Latency.
                # TYPE request_seconds histogram
                request_seconds_bucket{route="/x",le="0.1"} 2
                request_seconds_bucket{route="/x",le="0.5"} 3
                request_seconds_bucket{route="/x",le="1"} 4
                request_seconds_bucket{route="/x",le="+Inf"} 5
                request_seconds_sum{route="/x"} 3.2
                request_seconds_count{route="/x"} 5

                """)
    }

    @Test func sampledGaugesAreReadAtScrapeTime() throws {
        let metrics = Metrics()
        let source = try metrics.gauge("source", help: "Source.")
        try metrics.gauge("pool_connections", help: "Pool connections.", labels: ["state"]) {
            [
                GaugeSample(labelValues: ["idle"], value: source.current),
                GaugeSample(labelValues: ["busy"], value: 1),
                GaugeSample(labelValues: ["wrong", "arity"], value: 9),
            ]
        }

        source.set(4)

        #expect(
            self.text(metrics).hasSuffix(
                """
                # TYPE pool_connections gauge
                pool_connections{state="idle"} 4
                pool_connections{state="busy"} 1

                """))
    }

    @Test func specialValuesUsePrometheusSpelling() throws {
        let metrics = Metrics()
        let gauge = try metrics.gauge("g", help: "G.", labels: ["k"])
        try gauge.labels("inf").set(.infinity)
        try gauge.labels("ninf").set(-.infinity)
        try gauge.labels("nan").set(.nan)
        try gauge.labels("small").set(0.25)

        let lines = self.text(metrics).split(separator: "\n").dropFirst(2)
        #expect(
            lines == [
                "g{k=\"inf\"} +Inf", "g{k=\"ninf\"} -Inf", "g{k=\"nan\"} NaN",
                "g{k=\"small\"} 0.25",
            ])
    }

    @Test func refusesBadNamesDuplicatesWrongArityAndBadBuckets() throws {
        let metrics = Metrics()
        _ = try metrics.counter("ok_total", help: "Ok.", labels: ["a"])

        #expect(throws: MetricsError.self) { try metrics.counter("1bad", help: "") }
        #expect(throws: MetricsError.self) { try metrics.counter("bad-name", help: "") }
        #expect(throws: MetricsError.self) {
            try metrics.counter("x", help: "", labels: ["__reserved"])
        }
        #expect(throws: MetricsError.self) {
            try metrics.counter("y", help: "", labels: ["a", "a"])
        }
        #expect(throws: MetricsError.self) {
            try metrics.histogram("h", help: "", buckets: [1, 1])
        }
        #expect(throws: MetricsError.self) {
            try metrics.histogram("h", help: "", buckets: [1, .infinity])
        }

        do {
            _ = try metrics.counter("ok_total", help: "Again.")
            Issue.record("a duplicate name was accepted")
        } catch {
            #expect(error.code == .duplicateName)
        }

        let family = try metrics.gauge("two", help: "Two.", labels: ["a", "b"])
        do {
            _ = try family.labels("only one")
            Issue.record("a wrong number of label values was accepted")
        } catch {
            #expect(error.code == .labelCountMismatch)
        }
    }

    @Test func concurrentUpdatesAreNotLost() throws {
        let metrics = Metrics()
        let family = try metrics.counter("hits_total", help: "Hits.", labels: ["worker"])
        let gauge = try metrics.gauge("level", help: "Level.")
        let histogram = try metrics.histogram("sizes", help: "Sizes.", buckets: [10, 100])
        let threads = 8
        let perThread = 20_000

        DispatchQueue.concurrentPerform(iterations: threads) { index in
            let shared = try? family.labels("shared")
            let own = try? family.labels("w\(index % 2)")
            for step in 0..<perThread {
                shared?.increment()
                own?.increment(by: 2)
                gauge.add(1)
                histogram.observe(Double(step % 200))
            }
        }

        #expect(try family.labels("shared").current == UInt64(threads * perThread))
        #expect(
            try family.labels("w0").current + family.labels("w1").current
                == UInt64(threads * perThread * 2))
        #expect(gauge.current == Double(threads * perThread))
        let (counts, sum) = histogram.snapshot()
        #expect(
            counts == [
                UInt64(threads * perThread * 11 / 200), UInt64(threads * perThread * 101 / 200),
                UInt64(threads * perThread),
            ])
        #expect(sum == Double(threads * perThread / 200 * (199 * 200 / 2)))
    }
}
