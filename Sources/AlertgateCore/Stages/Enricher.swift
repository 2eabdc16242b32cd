/// The enrich stage: what the service catalog knows about a signal's service. A signal that
/// names a service by an alias (as its service or its `service` label) gets the service's
/// name; it gets the service's team (as the `team` label, which the classifier reads as
/// owner) unless it names an owner itself, and its tier as the `tier` label.
///
/// Runs in the ingest tasks, after fingerprinting: an alert's identity is what its sender
/// sent, so changing the catalog never turns a repeat into a new alert. An alias and the name
/// it stands for share a correlation key, so their alerts join one incident.
public struct Enricher: Hashable, Sendable {
    public var catalog: ServiceCatalog

    public init(catalog: ServiceCatalog = ServiceCatalog()) {
        self.catalog = catalog
    }

    public func enrich(_ signal: Signal) -> Signal {
        guard !catalog.isEmpty else { return signal }
        var enriched = signal
        let known = catalog.service(named: signal.service)
        if let known { enriched.service = known.name }
        if let label = signal.labels["service"], let named = catalog.service(named: label) { enriched.labels["service"] = named.name }
        if enriched.labels["owner"] == nil, enriched.labels["team"] == nil, let team = known?.team ?? catalog.defaultTeam {
            enriched.labels["team"] = team
        }
        if let tier = known?.tier, enriched.labels["tier"] == nil {
            enriched.labels["tier"] = String(tier)
        }
        return enriched
    }
}
