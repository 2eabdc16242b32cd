import AlertgateCore

extension SuspectChanges {
    /// The incident's suspect changes, ranked, under the rules in force: for the API and the
    /// notifications alike.
    static func load(for incident: IncidentState, policy: Policy, store: any StoreReader) async throws -> [Suspect] {
        let suspects = SuspectChanges(incident: incident, catalog: policy.catalog, lookback: policy.correlation.rollbackLookback)
        async let before = store.changes(services: suspects.services, from: suspects.before.from, to: suspects.before.to, limit: 20)
        async let after = store.changes(services: suspects.services, from: suspects.after.from, to: suspects.after.to, limit: 20)
        return suspects.rank(try await before + after)
    }
}
