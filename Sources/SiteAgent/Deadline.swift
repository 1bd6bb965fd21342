/// Runs `work` for at most `timeout`: past it the work is cancelled (a statement on the
/// server is cancelled with it) and `AgentError.timedOut` naming `what` is thrown. Other
/// failures come back as `AgentError` with `code`.
func withDeadline<Value: Sendable>(
    _ timeout: Duration, _ what: String, code: AgentError.Code,
    _ work: @escaping @Sendable () async throws -> Value
) async throws(AgentError) -> Value {
    do {
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw AgentError(.timedOut, "\(what) took longer than \(timeout)")
            }
            return value
        }
    } catch let error as AgentError {
        throw error
    } catch {
        throw AgentError(code, "\(what) failed: \(error)")
    }
}
