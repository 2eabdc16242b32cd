/// The enrich stage: which catalog service a signal belongs to, and what the catalog knows
/// about it. The service is found, in order, by:
/// 1. its own service, or a label that names services (`service`, `service.name`, `job`,
///    `app`, a Kubernetes namespace), as a name or alias;
/// 2. a host (`host`, `hostname`, `instance` without its port, the sender) against the
///    catalog's glob aliases (`checkout-*`);
/// 3. for a user report, or a signal with no service, the names and aliases in its text
///    (`"the payment page hangs"` → checkout).
/// A user report that matches nothing goes to the `unknown` service, so such reports group
/// together instead of opening one incident each. The signal gets its service's team (as the
/// `team` label, which the classifier reads as owner) unless it names an owner itself, and
/// its tier as the `tier` label; unknown services get the default team.
///
/// Runs in the ingest tasks, after fingerprinting: an alert's identity is what its sender
/// sent, so changing the catalog never turns a repeat into a new alert. User reports are the
/// exception: one whose service the catalog finds gets the fingerprint of a report of it. An alias and the name
/// it stands for share a correlation key, so their alerts join one incident.
public struct Enricher: Hashable, Sendable {
    public var catalog: ServiceCatalog
    /// Labels that may name a service, in the order they are read.
    public static let serviceLabels = ["service", "service.name", "job", "app", "app.kubernetes.io/name", "namespace", "k8s.namespace.name", "kubernetes_namespace"]
    /// Labels that may name a host.
    public static let hostLabels = ["host", "hostname", "host.name", "instance", "source"]
    /// The service of reports that name none the catalog knows.
    public static let unknownService = "unknown"

    public init(catalog: ServiceCatalog = ServiceCatalog()) {
        self.catalog = catalog
    }

    /// The same in place: with no catalog, the signal is left as it is, never copied.
    public func enrich(_ signal: inout Signal) {
        guard !catalog.isEmpty else { return }
        signal = enrich(signal)
    }

    public func enrich(_ signal: Signal) -> Signal {
        guard !catalog.isEmpty else { return signal }
        var enriched = signal
        let known = findService(signal)
        if let known { enriched.service = known.name }
        enriched.labels.reserveCapacity(signal.labels.count + 2)
        if signal.kind == .report, signal.dedupKey == nil, enriched.service != signal.service {
            // A report's identity is its service and category, and its sender named no
            // service the catalog knows: with the one found in its text, it is a report of
            // that service, not one more of whatever else users wrote.
            enriched.fingerprint = nil
            enriched.fingerprint = Fingerprint.of(enriched)
        }
        if let label = signal.labels["service"], let named = catalog.service(named: label) { enriched.labels["service"] = named.name }
        let unnamed = signal.service.isEmpty || signal.service == Self.unknownService
        if known == nil, signal.kind == .report, unnamed { enriched.service = Self.unknownService }
        if enriched.labels["owner"] == nil, enriched.labels["team"] == nil, let team = known?.team ?? catalog.defaultTeam {
            enriched.labels["team"] = team
        }
        if let tier = known?.tier, enriched.labels["tier"] == nil {
            enriched.labels["tier"] = String(tier)
        }
        return enriched
    }

    /// The catalog service a signal belongs to, or nil.
    public func findService(_ signal: Signal) -> ServiceCatalog.Service? {
        let unnamed = signal.service.isEmpty || signal.service == Self.unknownService
        if !unnamed, let known = catalog.service(named: signal.service) { return known }
        for label in Self.serviceLabels {
            if let value = signal.labels[label], let known = catalog.service(named: value) { return known }
        }
        for host in hosts(of: signal) {
            if let known = catalog.service(named: host) ?? catalog.service(host: host) { return known }
        }
        if !unnamed, let known = catalog.service(host: signal.service) { return known }
        if signal.kind == .report || unnamed {
            let text = [signal.title, signal.description ?? ""].joined(separator: "\n")
            return catalog.service(inText: text)?.service
        }
        return nil
    }

    private func hosts(of signal: Signal) -> [String] {
        var hosts = Self.hostLabels.compactMap { signal.labels[$0] }.map { host in
            // `instance` is host:port for Prometheus targets.
            if let colon = host.lastIndex(of: ":"), host[host.index(after: colon)...].allSatisfy(\.isNumber) { return String(host[..<colon]) }
            return host
        }
        if let sender = signal.sender { hosts.append(sender) }
        return hosts
    }
}
