import AlertgateCore
import Testing

@Suite("Correlator: group_by labels form the correlation key")
struct CorrelatorGroupByTests {
    @Test func twoServicesOfOneClusterShareAnIncident() throws {
        var correlator = Correlator(config: CorrelationConfig(groupBy: ["cluster"]))
        let api = ingest(&correlator, alert("api", "HighLatency", labels: ["cluster": "eu-1"]), at: 0)
        let db = ingest(&correlator, alert("db", "DiskFull", labels: ["cluster": "eu-1"]), at: 10)
        let other = ingest(&correlator, alert("api", "HighLatency", labels: ["cluster": "us-1"]), at: 20)

        #expect(api.decision == .opened)
        #expect(db.decision == .attached)
        #expect(db.incidentID == api.incidentID)
        #expect(db.why?.key == "cluster=eu-1")
        #expect(other.decision == .opened)
        #expect(other.incidentID != api.incidentID)

        let incidentID = try #require(api.incidentID)
        let incident = try #require(correlator.state.incidents[incidentID])
        #expect(incident.key == "cluster=eu-1")
        #expect(incident.services == ["api", "db"])
    }

    @Test func withoutGroupByTheSameTwoServicesAreTwoIncidents() {
        var correlator = Correlator()
        let api = ingest(&correlator, alert("api", "HighLatency", labels: ["cluster": "eu-1"]), at: 0)
        let db = ingest(&correlator, alert("db", "DiskFull", labels: ["cluster": "eu-1"]), at: 10)
        #expect(db.decision == .opened)
        #expect(db.incidentID != api.incidentID)
    }
}
