import AlertgateCore
import Testing

@Suite("Correlator: people's commands on incidents")
struct CorrelatorCommandTests {
    /// A correlator with one open incident of service `api`, opened at 0 s by one firing alert.
    func openIncident() throws -> (Correlator, Int64) {
        var correlator = Correlator()
        let opened = ingest(&correlator, alert("api", "HighLatency"), at: 0)
        return (correlator, try #require(opened.incidentID))
    }

    func command(_ id: Int64, _ action: IncidentCommand.Action, note: String? = nil) -> IncidentCommand {
        IncidentCommand(incidentID: id, action: action, by: "alice", note: note)
    }

    @Test func commandsWriteTheirTimelineEntriesInOrder() throws {
        var (correlator, id) = try openIncident()
        var timeline: [TimelineEntry] = []

        let ack = try correlator.apply(command(id, .acknowledge), at: at(10))
        timeline += ack.timeline
        #expect(ack.incidents.first?.status == .acknowledged)
        #expect(correlator.state.incidents[id]?.acknowledgedAt == at(10))

        let note = try correlator.apply(command(id, .note, note: "looking at the load balancer"), at: at(20))
        timeline += note.timeline
        #expect(note.timeline.first?.text == "looking at the load balancer")

        let resolve = try correlator.apply(command(id, .resolve), at: at(30))
        timeline += resolve.timeline
        #expect(correlator.state.incidents[id]?.status == .resolved)
        #expect(correlator.state.incidents[id]?.resolvedAt == at(30))
        #expect(correlator.state.alerts.isEmpty, "resolving an incident resolves its firing alerts")
        #expect(resolve.alerts.map(\.status) == [.resolved])

        let reopen = try correlator.apply(command(id, .reopen), at: at(40))
        timeline += reopen.timeline
        #expect(correlator.state.incidents[id]?.status == .open)
        #expect(correlator.state.incidents[id]?.resolvedAt == nil)

        let close = try correlator.apply(command(id, .close), at: at(50))
        timeline += close.timeline
        let closed = try #require(close.incidents.first { $0.id == id })
        #expect(closed.status == .closed)
        #expect(closed.closedAt == at(50))

        #expect(timeline.map(\.kind) == [.acknowledged, .note, .resolved, .alertResolved, .reopened, .closed])
        #expect(timeline.map(\.at) == [at(10), at(20), at(30), at(30), at(40), at(50)])
        #expect(timeline.allSatisfy { $0.incidentID == id })
        #expect(timeline.filter { $0.kind != .alertResolved }.allSatisfy { $0.by == "alice" })
    }

    @Test func closeForgetsTheIncidentSoALaterSignalOpensANewOne() throws {
        var (correlator, id) = try openIncident()
        _ = try correlator.apply(command(id, .close), at: at(10))
        #expect(correlator.state.incidents[id] == nil)
        #expect(correlator.state.alerts.isEmpty)

        let next = ingest(&correlator, alert("api", "HighLatency"), at: 20)
        #expect(next.decision == .opened)
        #expect(next.incidentID != id)
    }

    @Test func invalidTransitionsThrowAndChangeNothing() throws {
        var (correlator, id) = try openIncident()
        let reopenOpen = #expect(throws: CommandError.self) { try correlator.apply(command(id, .reopen), at: at(5)) }
        #expect(reopenOpen?.code == .invalidTransition)

        _ = try correlator.apply(command(id, .resolve), at: at(10))
        let before = correlator.state
        let ackResolved = #expect(throws: CommandError.self) { try correlator.apply(command(id, .acknowledge), at: at(20)) }
        #expect(ackResolved?.code == .invalidTransition)
        #expect(correlator.state == before)

        // A closed incident comes back through `restore`, as the server does for a command.
        let closeOutcome = try correlator.apply(command(id, .close), at: at(30))
        let closed = try #require(closeOutcome.incidents.first { $0.id == id })
        correlator.restore(closed)
        for action in [IncidentCommand.Action.close, .resolve, .acknowledge] {
            let error = #expect(throws: CommandError.self) { try correlator.apply(command(id, action), at: at(40)) }
            #expect(error?.code == .invalidTransition, "\(action) on a closed incident")
        }
        let reopened = try correlator.apply(command(id, .reopen), at: at(50))
        #expect(reopened.incidents.first?.status == .open)
        #expect(reopened.incidents.first?.closedAt == nil)
    }

    @Test(arguments: IncidentCommand.Action.allCases)
    func anUnknownIncidentIsNotFound(action: IncidentCommand.Action) {
        var correlator = Correlator()
        let error = #expect(throws: CommandError.self) {
            try correlator.apply(IncidentCommand(incidentID: 42, action: action, note: "x"), at: at(0))
        }
        #expect(error?.code == .notFound)
    }

    @Test(arguments: [nil, ""] as [String?])
    func aNoteNeedsText(text: String?) throws {
        var (correlator, id) = try openIncident()
        let error = #expect(throws: CommandError.self) { try correlator.apply(command(id, .note, note: text), at: at(10)) }
        #expect(error?.code == .missingNote)
    }
}
