extension TestCluster {
    /// Creates a cluster, runs `body` with it, and always removes it afterwards (immediate
    /// shutdown, folder deleted), whether `body` returns or throws.
    public static func with<Result>(
        _ options: Options = Options(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (TestCluster) async throws -> Result
    ) async throws -> Result {
        let cluster = try await TestCluster.create(options)
        do {
            let result = try await body(cluster)
            await cluster.remove()
            return result
        } catch {
            await cluster.remove()
            throw error
        }
    }

    /// One cluster for the whole test process, started by the first caller and removed at
    /// process exit. Tests sharing it should each work in their own `createDatabase()`.
    public static func shared() async throws -> TestCluster {
        try await SharedCluster.instance.cluster()
    }
}

/// Starts the shared cluster once, however many tests ask for it at the same moment.
private actor SharedCluster {
    static let instance = SharedCluster()

    private var starting: Task<TestCluster, any Error>?

    func cluster() async throws -> TestCluster {
        if let starting = self.starting {
            return try await starting.value
        }
        let task = Task { try await TestCluster.create() }
        self.starting = task
        return try await task.value
    }
}
