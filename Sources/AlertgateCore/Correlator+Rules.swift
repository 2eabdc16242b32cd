/// The correlator's rules beyond its windows: inhibition, thresholds, flapping, dependencies
/// and changes (`CorrelationRules`).
extension Correlator.Rule {
    public static let inhibit = "inhibit"
    /// Followed by `.<rule name>` in a `why`.
    public static let threshold = "threshold"
    public static let dependency = "correlate.dependency"
    public static let flapping = "flapping.hold_down"
    public static let trace = "correlate.trace"
}

extension Correlator {
    // MARK: - Inhibition

    /// Starts the index of inhibition sources over for the current rules. Firing alerts keep
    /// no labels in memory, so those already firing are indexed from their stored rows
    /// (`indexInhibitionSources`), which the pipeline reads when `inhibitionSourcesNeeded`.
    mutating func rebuildInhibitionIndex() {
        memory.inhibitSources = Array(repeating: [:], count: rules.inhibitRules.count)
        memory.inhibitEntries = [:]
        memory.inhibitSourceRules = AnchorIndex(rules.inhibitRules.map { LabelMatcher.anchor(of: $0.sourceMatchers) })
        memory.inhibitSourcesNeeded = !rules.inhibitRules.isEmpty && !state.alerts.isEmpty
        memory.inhibitSourcesToReindex = []
    }

    /// Whether every firing alert must be indexed as an inhibition source from its stored row
    /// (`indexInhibitionSources`): the inhibit rules changed, or the state was rebuilt, while
    /// alerts fire.
    public var inhibitionSourcesNeeded: Bool { memory.inhibitSourcesNeeded }

    /// The firing alerts to index again from their rows, when not all are
    /// (`CorrelatorMemory.inhibitSourcesToReindex`).
    public var inhibitionSourceRowsNeeded: Set<Int64> { memory.inhibitSourcesToReindex }

    /// Whether rows are asked for at all: all of them, or some.
    public var inhibitionSourcesPending: Bool { memory.inhibitSourcesNeeded || !memory.inhibitSourcesToReindex.isEmpty }

    /// Indexes the firing alerts among `stored` (the store's rows, with their labels) as
    /// inhibition sources; rows of alerts no longer firing here are passed over. The caller
    /// may pass the rows in pages, then says `inhibitionSourcesIndexed()`.
    public mutating func indexInhibitionSources(_ stored: [AlertState]) {
        guard !rules.inhibitRules.isEmpty else { return }
        for alert in stored where alert.status == .firing && state.alerts[alert.id]?.status == .firing {
            indexInhibitionSource(alert.id, alert)
        }
    }

    /// The rows asked for (`inhibitionSourcesNeeded`, `inhibitionSourceRowsNeeded`) are indexed.
    public mutating func inhibitionSourcesIndexed() {
        memory.inhibitSourcesNeeded = false
        memory.inhibitSourcesToReindex = []
    }

    /// Puts a firing alert in the index of each rule whose source it matches (`subject`: its
    /// labels, title and fields as matchers read them), in place of wherever it was put.
    mutating func indexInhibitionSource(_ id: Int64, _ subject: some MatchableLabels) {
        removeInhibitionSource(id)
        var entries: [(position: Int, key: String)] = []
        for position in memory.inhibitSourceRules.candidates(for: subject) {
            let rule = rules.inhibitRules[position]
            guard subject.matches(rule.sourceMatchers) else { continue }
            let key = rule.equalKey { subject.matchValue($0) }
            memory.inhibitSources[position][key, default: []].insert(id)
            entries.append((position, key))
        }
        if !entries.isEmpty { memory.inhibitEntries[id] = (subject.title, entries) }
    }

    /// Takes an alert out of wherever it was put in the index of inhibition sources.
    mutating func removeInhibitionSource(_ id: Int64) {
        guard let indexed = memory.inhibitEntries.removeValue(forKey: id) else { return }
        for (position, key) in indexed.entries {
            memory.inhibitSources[position][key]?.remove(id)
            if memory.inhibitSources[position][key]?.isEmpty == true { memory.inhibitSources[position][key] = nil }
        }
    }

    /// The firing alert that inhibits a new alert for `signal`, with its title and the rule.
    func inhibitor(of signal: Signal) -> (source: LiveAlert, title: String, rule: InhibitRule)? {
        for (position, rule) in rules.inhibitRules.enumerated() where !memory.inhibitSources[position].isEmpty {
            // A source must fire with the same `equal` values: a lookup, before any matcher.
            guard let ids = memory.inhibitSources[position][rule.equalKey { signal.matchValue($0) }], signal.matches(rule.targetMatchers) else { continue }
            // The lowest id: the same source each time, whatever the set's order.
            if let id = ids.min(), let source = state.alerts[id] { return (source, memory.inhibitEntries[id]?.title ?? "", rule) }
        }
        return nil
    }

    // MARK: - Thresholds

    /// Holds a signal that would open an incident while its threshold rule counts fewer
    /// alerts; returns the alerts to open with once it is reached (empty with no rule).
    mutating func threshold(for signal: Signal, fingerprint: Fingerprint, key: String, at time: Timestamp,
                            into outcome: inout Outcome) -> (held: Bool, joining: [CorrelatorMemory.PendingAlert]) {
        let tier = classifier.tier(of: signal)
        guard let rule = rules.thresholds.first(where: { $0.condition.matches(signal, tier: tier, type: nil) }) else { return (false, []) }
        // Alerts count once each (a repeat replaces its earlier arrival); user reports count
        // each time someone writes, though reports of one service share one fingerprint.
        // An alert that would have timed out (resolve_timeout, its endsAt) no longer counts.
        var waiting = memory.pending[key, default: []].filter { held in
            held.at > time - rule.window && (held.signal.endsAt ?? held.at + config.resolveTimeout) > time
                && (signal.kind == .report || held.fingerprint != fingerprint)
        }
        if waiting.count + 1 >= rule.count {
            memory.pending[key] = nil
            return (false, waiting)
        }
        waiting.append(.init(fingerprint: fingerprint, signal: signal, at: time))
        memory.pending[key] = waiting
        outcome.place(.pending, alert: nil, incident: nil, why: Why(
            rule: "\(Rule.threshold).\(rule.name)", key: key, window: "threshold_window", windowSeconds: rule.window.wholeSeconds,
            detail: "\(waiting.count) of the \(rule.count) \(signal.kind == .report ? "user reports" : "active alerts") of key \(key) that rule \(rule.name) needs within its window; no incident opens yet."))
        return (true, [])
    }

    /// A resolve takes its alert out of the count.
    mutating func forgetPending(_ fingerprint: Fingerprint, key: String) {
        guard var waiting = memory.pending[key] else { return }
        waiting.removeAll { $0.fingerprint == fingerprint }
        memory.pending[key] = waiting.isEmpty ? nil : waiting
    }

    // MARK: - Dependencies

    /// An active incident of a service the catalog links to the signal's service by a
    /// dependency, which the signal's alert joins.
    func dependencyIncident(for signal: Signal, at time: Timestamp) -> (incident: IncidentState, relation: String)? {
        let catalog = classifier.catalog
        guard catalog.hasRelations(signal.service) else { return nil }
        var best: (incident: IncidentState, relation: String)?
        // Only incidents holding the service or one linked to it can take it.
        var candidates = state.incidents(holding: signal.service)
        for related in catalog.relatedServices(of: signal.service) { candidates.formUnion(state.incidents(holding: related)) }
        for id in candidates {
            guard let incident = state.incidents[id], incident.status.isActive else { continue }
            let joinable = state.firingAlertCount(incidentID: incident.id) > 0 || time <= incident.lastActivity + config.correlationWindow
            guard joinable else { continue }
            let relation = incident.services.contains(signal.service)
                ? "\(signal.service) joined it before through a dependency"
                : incident.services.lazy.compactMap({ catalog.relation(of: signal.service, to: $0) }).first
            guard let relation else { continue }
            if best == nil || incident.id > best!.incident.id { best = (incident, relation) }
        }
        return best
    }

    // MARK: - Links across keys

    /// An active incident of another key that the signal joins, and why: one holding a signal
    /// of the same trace, else one of a service linked to its service by a dependency.
    func linkedIncident(for signal: Signal, at time: Timestamp) -> (IncidentState, Why)? {
        func why(_ rule: String, _ incident: IncidentState, _ detail: String) -> Why {
            Why(rule: rule, key: incident.key, window: "correlation_window", windowSeconds: config.correlationWindow.wholeSeconds, detail: detail)
        }
        if let linked = traceIncident(for: signal, at: time) {
            return (linked.incident, why(Rule.trace, linked.incident,
                                         "Incident \(linked.incident.id) holds a signal of the same trace (\(linked.traceID))."))
        }
        if let linked = dependencyIncident(for: signal, at: time) {
            return (linked.incident, why(Rule.dependency, linked.incident,
                                         "Incident \(linked.incident.id) is active for a service linked by a dependency: \(linked.relation)."))
        }
        return nil
    }

    // MARK: - Traces

    /// The most traces remembered; past it those older than `correlation_window` are forgotten,
    /// and all of them if that is not enough.
    static let maxTraces = 10_000

    /// The active incident another signal of the same trace went to, within
    /// `correlation_window`: a check that carried a trace id and the failing spans of that
    /// trace meet there, whichever arrived first.
    func traceIncident(for signal: Signal, at time: Timestamp) -> (incident: IncidentState, traceID: String)? {
        guard let traceID = signal.traceID, let seen = memory.traces[traceID], time <= seen.at + config.correlationWindow,
              let incident = state.incidents[seen.incidentID], incident.status.isActive else { return nil }
        return (incident, traceID)
    }

    /// Remembers where a signal of a trace was placed (the first place wins).
    mutating func rememberTrace(of signal: Signal, in incidentID: Int64?, at time: Timestamp) {
        guard let incidentID, let traceID = signal.traceID else { return }
        if let seen = memory.traces[traceID], time <= seen.at + config.correlationWindow { return }
        if memory.traces.count >= Self.maxTraces {
            memory.traces = memory.traces.filter { time <= $0.value.at + config.correlationWindow }
            if memory.traces.count >= Self.maxTraces { memory.traces.removeAll() }
        }
        memory.traces[traceID] = (incidentID, time)
    }

    // MARK: - Flapping

    /// Counts a resolve of `fingerprint`: whether the alert flaps now, and whether this
    /// resolve is the one that made it start (announced once, not at every cycle).
    mutating func countResolve(_ fingerprint: Fingerprint, at time: Timestamp) -> (flapping: Bool, starts: Bool) {
        guard let limit = rules.flapping.resolves else { return (false, false) }
        var history = memory.flaps[fingerprint, default: []].filter { $0 > time - rules.flapping.window }
        history.append(time)
        memory.flaps[fingerprint] = history
        return (history.count > limit, history.count == limit + 1)
    }

    /// Whether an alert of this fingerprint flaps now (a new alert of it starts marked).
    func isFlapping(_ fingerprint: Fingerprint, at time: Timestamp) -> Bool {
        guard let limit = rules.flapping.resolves, let history = memory.flaps[fingerprint] else { return false }
        return history.lazy.filter { $0 > time - self.rules.flapping.window }.count > limit
    }

    /// Resolves held incidents whose hold-down passed, and forgets old flap history.
    mutating func releaseHeldIncidents(now: Timestamp, into outcome: inout Outcome) {
        let due = state.incidents.values.filter { incident in
            guard let until = incident.holdUntil else { return false }
            return until <= now && state.firingAlertCount(incidentID: incident.id) == 0
        }.sorted { ($0.holdUntil!, $0.id) < ($1.holdUntil!, $1.id) }
        for var incident in due {
            let time = incident.holdUntil!
            incident.holdUntil = nil
            if incident.status.isActive {
                // Resolved when it went quiet, not when the hold-down ran out.
                incident.status = .resolved
                incident.resolvedAt = max(incident.openedAt, time - rules.flapping.holdDown)
                outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .resolved,
                                                      text: "Quiet for the flapping hold-down; all alerts resolved."))
            }
            save(incident, at: time, into: &outcome)
        }
        let horizon = now - rules.flapping.window
        if !memory.flaps.isEmpty { memory.flaps = memory.flaps.filter { $0.value.last.map { $0 > horizon } ?? false } }
        // Pending alerts of keys that got nothing since, once past every threshold's window.
        if !memory.pending.isEmpty {
            let longest = rules.thresholds.map(\.window).max() ?? .zero
            memory.pending = memory.pending.filter { $0.value.contains { $0.at > now - longest } }
        }
    }

    // MARK: - Changes

    /// Keeps a change for the lookback and notes it on the active incidents of its service
    /// and the services linked to it: a change that arrives while an incident is open may be
    /// its fix (or its cause).
    mutating func recordChange(_ signal: Signal, at time: Timestamp, into outcome: inout Outcome) {
        guard let signalID = outcome.signalID else { return }
        let horizon = time - rules.rollbackLookback
        var kept = memory.changes[signal.service, default: []].filter { $0.at >= horizon }
        kept.append(.init(signalID: signalID, at: time, title: signal.title))
        memory.changes[signal.service] = kept
        let catalog = classifier.catalog
        for incident in state.incidents.values.sorted(by: { $0.id < $1.id }) where incident.status.isActive && time >= incident.openedAt {
            let linked = incident.services.contains(signal.service) || incident.services.contains { catalog.related($0, signal.service) }
            guard linked else { continue }
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .possibleFix,
                                                  text: "\(signal.title) (\(signal.service)) arrived while the incident is open: a possible fix.",
                                                  signalID: signalID))
        }
    }

    /// The timeline entry naming the newest change of a new incident's service within the lookback.
    func rollbackCandidate(service: String, incidentID: Int64, openedAt time: Timestamp) -> TimelineEntry? {
        let horizon = time - rules.rollbackLookback
        guard let change = memory.changes[service]?.last(where: { $0.at >= horizon && $0.at <= time }) else { return nil }
        let minutes = (time.milliseconds - change.at.milliseconds) / 60_000
        return TimelineEntry(incidentID: incidentID, at: time, kind: .rollbackCandidate,
                             text: "\(change.title) (\(service)), \(minutes) min before the first signal: the rollback candidate.",
                             signalID: change.signalID)
    }
}
