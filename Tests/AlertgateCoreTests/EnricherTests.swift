import AlertgateCore
import Testing

@Suite("Enricher: the service catalog's view of a signal")
struct EnricherTests {
    let catalog = ServiceCatalog(services: [
        .init(name: "checkout", team: "payments", tier: 1, aliases: ["checkout-api", "Payment Page"]),
        .init(name: "search", aliases: ["search-web"]),
    ], defaultTeam: "ops")

    @Test func anAliasBecomesTheServiceNameWithItsTeamAndTier() {
        let enriched = Enricher(catalog: catalog).enrich(alert("payment page", "Slow"))
        #expect(enriched.service == "checkout")
        #expect(enriched.labels["team"] == "payments")
        #expect(enriched.labels["tier"] == "1")
    }

    @Test func anOwnerTheSignalNamesWins() {
        let enriched = Enricher(catalog: catalog).enrich(alert("checkout-api", "Slow", labels: ["owner": "ana"]))
        #expect(enriched.service == "checkout")
        #expect(enriched.labels["team"] == nil)
        #expect(enriched.labels["owner"] == "ana")
    }

    @Test func servicesWithoutATeamGetTheDefaultTeam() {
        #expect(Enricher(catalog: catalog).enrich(alert("search-web", "Slow")).labels["team"] == "ops")
        let unknown = Enricher(catalog: catalog).enrich(alert("billing", "Slow"))
        #expect(unknown.service == "billing")
        #expect(unknown.labels["team"] == "ops")
        #expect(unknown.labels["tier"] == nil)
    }

    @Test func anEmptyCatalogChangesNothing() {
        let signal = alert("payment page", "Slow")
        #expect(Enricher().enrich(signal) == signal)
    }

    @Test func anAliasInTheServiceLabelBecomesTheName() {
        #expect(Enricher(catalog: catalog).enrich(alert("", "Slow", labels: ["service": "Checkout-API"])).labels["service"] == "checkout")
    }

    /// As the pipeline does: fingerprinted first, so the catalog never changes an alert's identity.
    func fingerprinted(_ signal: Signal) -> Signal {
        var copy = signal
        copy.fingerprint = Fingerprint.of(signal)
        return copy
    }

    @Test func theFingerprintIsTheOneTheSenderSent() {
        let signal = fingerprinted(alert("payment page", "Slow"))
        #expect(Enricher(catalog: catalog).enrich(signal).fingerprint == signal.fingerprint)
    }

    @Test func anAliasAndItsNameMakeOneIncident() {
        var correlator = Correlator()
        let enricher = Enricher(catalog: catalog)
        let first = ingest(&correlator, enricher.enrich(fingerprinted(alert("checkout-api", "Slow"))), at: 0)
        let second = ingest(&correlator, enricher.enrich(fingerprinted(alert("checkout", "Errors"))), at: 1)
        #expect(first.incidentID == second.incidentID)
        #expect(second.decision == .attached)
        #expect(correlator.state.incidents[first.incidentID!]?.owner == "payments")
    }
}
