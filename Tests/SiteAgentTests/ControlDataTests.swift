import Testing

@testable import SiteAgent

@Suite struct ControlDataTests {
    @Test func readsStateCheckpointAndTimeline() throws {
        let output = """
            pg_control version number:            1300
            Database cluster state:               shut down
            Latest checkpoint location:           0/3000060
            Latest checkpoint's REDO location:    0/3000060
            Latest checkpoint's TimeLineID:       2
            """
        let control = try ControlData(parsing: output)
        #expect(control.state == "shut down")
        #expect(control.checkpoint == "0/3000060")
        #expect(control.timeline == 2)
    }

    @Test func refusesOutputWithoutTheFields() {
        #expect(throws: AgentError.self) { try ControlData(parsing: "pg_controldata: error") }
    }
}
