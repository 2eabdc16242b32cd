@testable import AlertgateCore
import Testing

/// The pipeline restores an incident a command closed earlier in the same batch from the batch
/// itself, not from the store's older row.
@Suite struct StoreBatchSnapshotTests {
    @Test func theNewestSnapshotOfAnIncidentWins() throws {
        var correlator = Correlator()
        let start = Timestamp(milliseconds: 1_795_000_000_000)
        let opened = correlator.ingest(Signal(service: "api", title: "down"), receivedAt: start)
        let id = try #require(opened.incidentID)
        let closed = try correlator.apply(IncidentCommand(incidentID: id, action: .close, by: "a"), at: start + .seconds(10))
        let batch = StoreBatch(entries: [
            .ingest(IngestRecord(payload: StoredPayload(source: .events, contentType: "", encoding: .identity, originalSize: 0, bytes: [], receivedAt: start),
                                 signals: [PlacedSignal(signal: Signal(service: "api", title: "down"), item: 0, outcome: opened, receivedAt: start)])),
            .outcome(closed),
        ])
        #expect(batch.latestSnapshot(ofIncident: id)?.status == .closed)
        #expect(batch.latestSnapshot(ofIncident: id + 1) == nil)

        // The closed incident is gone from the correlator; restored from the batch, a note works
        // and the incident stays closed.
        #expect(correlator.state.incidents[id] == nil)
        correlator.restore(try #require(batch.latestSnapshot(ofIncident: id)))
        let note = try correlator.apply(IncidentCommand(incidentID: id, action: .note, note: "post-mortem booked"), at: start + .seconds(20))
        #expect(note.incidents.first?.status == .closed)
    }
}
