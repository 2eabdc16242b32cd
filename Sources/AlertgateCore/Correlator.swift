/// The pure state machine that places every signal: it deduplicates signals into alerts and
/// groups alerts into incidents by correlation key and time window.
///
/// It never reads a clock or a database: the caller passes the receipt time and carries out
/// the returned `Outcome` (store the snapshots, answer the client).
///
/// It runs the stages after enrichment in order: mute (`Muter`: silences, maintenance; then
/// inhibition) → correlate (itself, with thresholds, dependencies and flapping from
/// `CorrelationRules`) → classify (`Classifier`) → announce (`Announcer`): every snapshot it
/// stores is compared with the one before, and the outcome carries the transitions.
public struct Correlator: Sendable {
    /// Stable names of the rules that decide, as shown in a signal's `why`.
    public enum Rule {
        public static let repeatOfAlert = "dedup.same_fingerprint"
        /// A repeat that changed nothing but its times, counted in its alert's history.
        public static let foldRepeat = "dedup.repeat_folded"
        public static let attachFiring = "correlate.key_has_firing_alerts"
        public static let attachWindow = "correlate.key_within_window"
        public static let attachLate = "correlate.late_signal"
        public static let reopen = "correlate.reopen_within_window"
        public static let open = "correlate.new_incident"
        public static let resolveSignal = "resolve.signal"
        public static let resolveWithoutAlert = "resolve.no_firing_alert"
        public static let resolveTimeout = "resolve.timeout"
        public static let acknowledgeSignal = "acknowledge.signal"
        public static let acknowledgeWithoutAlert = "acknowledge.no_firing_alert"
        public static let change = "change.recorded"
    }

    public let config: CorrelationConfig
    /// The rules a reload replaces; the state stays.
    public var classifier: Classifier {
        didSet { if classifier != oldValue { verdicts = VerdictMemo(for: classifier) } }
    }
    /// The classifier's verdicts by what its rules read (`VerdictMemo`), made anew with it.
    var verdicts: VerdictMemo
    public var muter: Muter
    public var rules: CorrelationRules {
        didSet { if rules.inhibitRules != oldValue.inhibitRules { rebuildInhibitionIndex() } }
    }
    /// Receivers, routes and escalations: the route stage (`Correlator+Notify.swift`).
    public var notifications = NotificationPolicy()
    public internal(set) var state: CorrelatorState
    var memory = CorrelatorMemory()
    /// The firing alerts by when they expire (`ExpiryQueue`), built from `state` here and kept
    /// by `save` and `restore`.
    var expiries = ExpiryQueue()

    public init(config: CorrelationConfig = CorrelationConfig(), classifier: Classifier = Classifier(), muter: Muter = Muter(),
                rules: CorrelationRules = CorrelationRules(), state: CorrelatorState = CorrelatorState()) {
        self.config = config
        self.classifier = classifier
        self.verdicts = VerdictMemo(for: classifier)
        self.muter = muter
        self.rules = rules
        self.state = state
        rebuildInhibitionIndex()
        compactExpiries()
    }

    /// The time a signal is placed by: its own time when within `maxClockSkew` of receipt.
    public func effectiveTime(of signal: Signal, receivedAt: Timestamp) -> Timestamp {
        guard let occurred = signal.occurredAt else { return receivedAt }
        let skew = abs(occurred.milliseconds - receivedAt.milliseconds)
        return skew <= config.maxClockSkew.wholeMilliseconds ? occurred : receivedAt
    }

    /// Places one signal and returns what changed.
    public mutating func ingest(_ signal: Signal, receivedAt: Timestamp) -> Outcome {
        let fingerprint = Fingerprint.of(signal)
        let time = effectiveTime(of: signal, receivedAt: receivedAt)
        var outcome = Outcome(signalID: state.takeSignalID(), fingerprint: fingerprint, effectiveTime: time)

        if signal.kind == .change {
            outcome.decision = .recorded
            outcome.why = Why(rule: Rule.change, key: config.key(for: signal), .change)
            recordChange(signal, at: time, into: &outcome)
            return outcome
        }
        if let live = state.liveAlert(fingerprint), time > expiry(of: live) {
            resolveAlert(live.id, at: expiry(of: live), reason: expiryReason(live), into: &outcome)
        }
        switch signal.status {
        case .firing:
            fire(signal, fingerprint: fingerprint, at: time, receivedAt: receivedAt, into: &outcome)
            rememberTrace(of: signal, in: outcome.incidentID, at: time)
        case .resolved: resolve(signal, fingerprint: fingerprint, at: time, into: &outcome)
        case .acknowledged: acknowledge(signal, fingerprint: fingerprint, at: time, into: &outcome)
        }
        return outcome
    }

    /// Resolves the alerts that nothing repeated for `resolve_timeout` by `now`, and forgets
    /// resolved incidents whose reopen window has passed.
    public mutating func expire(now: Timestamp) -> Outcome {
        var outcome = Outcome(effectiveTime: now)
        // In the order they timed out, so an incident resolves with its last alert: the queue
        // gives them by (expiry, id). An entry is stale when its alert stopped firing or its
        // expiry moved since; a repeated entry is taken once.
        var expired: [LiveAlert] = []
        var taken: ExpiryQueue.Entry?
        while let next = expiries.first, next.at <= now {
            expiries.removeFirst()
            guard next != taken, let alert = state.alerts[next.alertID], expiry(of: alert) == next.at else { continue }
            taken = next
            expired.append(alert)
        }
        for alert in expired {
            resolveAlert(alert.id, at: expiry(of: alert), reason: expiryReason(alert), into: &outcome)
        }
        let stale = state.incidents.values.filter { incident in
            guard incident.status == .resolved, let resolvedAt = incident.resolvedAt else { return false }
            return resolvedAt + config.reopenWindow < now
        }
        for incident in stale { state.forget(incidentID: incident.id) }
        releaseHeldIncidents(now: now, into: &outcome)
        takeDueEscalationSteps(now: now, into: &outcome)
        return outcome
    }

    /// When a firing alert resolves by itself: at its sender's `endsAt` if it gave one,
    /// else `resolve_timeout` after it was last seen.
    public func expiry(of alert: LiveAlert) -> Timestamp {
        alert.endsAt ?? alert.lastSeen + config.resolveTimeout
    }

    private func expiryReason(_ alert: LiveAlert) -> String {
        alert.endsAt == nil ? "no repeat within resolve_timeout" : "its endsAt passed with no resend"
    }

    /// Brings an incident that the correlator has forgotten back into its state, so that a
    /// command can act on it.
    public mutating func restore(_ incident: IncidentState, firingAlerts: [AlertState] = []) {
        guard state.incidents[incident.id] == nil else { return }
        state.insert(incident)
        for alert in firingAlerts where alert.status == .firing && state.alerts[alert.id] == nil {
            state.insertLive(alert.live)
            scheduleExpiry(of: alert.live)
            if !rules.inhibitRules.isEmpty { indexInhibitionSource(alert.id, alert) }
        }
    }

    /// Files a firing alert's expiry in the queue; stale entries past a bound make the queue
    /// start over from the firing alerts.
    mutating func scheduleExpiry(of alert: LiveAlert) {
        expiries.insert(ExpiryQueue.Entry(at: expiry(of: alert), alertID: alert.id))
        if expiries.count > 2 * state.alerts.count + 1024 { compactExpiries() }
    }

    /// Rebuilds the expiry queue from the firing alerts alone, leaving its stale entries out.
    mutating func compactExpiries() {
        expiries = ExpiryQueue(state.alerts.values.map { ExpiryQueue.Entry(at: expiry(of: $0), alertID: $0.id) })
    }

    // MARK: - Firing and resolving

    private mutating func fire(_ signal: Signal, fingerprint: Fingerprint, at time: Timestamp, receivedAt: Timestamp, into outcome: inout Outcome) {
        if var alert = state.liveAlert(fingerprint) {
            // A log line folds by its fingerprint, the masked message: what differs between two
            // lines of one fingerprint is numbers, ids, the process id and a timestamp (often to
            // the second only), all kept in the raw bytes; its alert keeps the first line's labels.
            // Another repeat placed before the alert's last one by its own time is stored, so that
            // time is kept.
            let isLog = signal.kind == .log
            // What the rules read is the same as last time: no new verdict needed.
            let unchanged = alert.severity == signal.severity && (isLog || alert.labelsDigest == LiveAlert.digest(labels: signal.labels))
            let digest = isLog ? alert.digest : signal.contentDigest
            let folds = config.foldRepeats && unchanged && alert.digest == digest && (isLog || time >= alert.lastSeen)
            if folds {
                extendRun(of: &alert, receivedAt: receivedAt)
            } else {
                alert.digest = digest
                alert.runStartedAt = nil
                alert.runLastAt = nil
            }
            alert.count += 1
            alert.firstSeen = min(alert.firstSeen, time)
            // The newest signal's title is the alert's: the writer stores it when it changed.
            var newTitle: String?
            if time >= alert.lastSeen {
                alert.lastSeen = time
                let titleDigest = LiveAlert.digest(title: signal.title)
                if titleDigest != alert.titleDigest { newTitle = signal.title }
                alert.titleDigest = titleDigest
                alert.severity = signal.severity
            }
            if let endsAt = signal.endsAt { alert.endsAt = max(alert.endsAt ?? endsAt, endsAt) }
            var incident = state.incidents[alert.incidentID]!
            touch(&incident, with: signal, at: time, classifying: !unchanged, into: &outcome)
            save(alert, title: newTitle, from: signal, severity: incident.severity, at: time, into: &outcome)
            save(incident, at: time, into: &outcome)
            outcome.place(.repeat, alert: alert.id, incident: incident.id, why: Why(
                rule: Rule.repeatOfAlert, key: fingerprint.value, window: "resolve_timeout",
                windowSeconds: config.resolveTimeout.wholeSeconds,
                .repeatOfAlert, Why.Numbers(alert.id, alert.count)))
            if folds, let runStartedAt = alert.runStartedAt {
                fold(alert, runStartedAt: runStartedAt, at: receivedAt, severity: incident.severity, into: &outcome)
            }
            return
        }

        // A new alert: muting keeps it out. An alert already firing goes on living (repeats,
        // above) and resolving, so a silence set while it fires does not swallow its resolve.
        if let verdict = muter.mute(signal, at: time) {
            outcome.place(verdict.decision, alert: nil, incident: nil, why: Why(rule: verdict.rule, key: verdict.key, detail: verdict.reason))
            return
        }
        if let (source, sourceTitle, rule) = inhibitor(of: signal) {
            // Filed under the source's incident, which it neither joins nor escalates.
            outcome.place(.suppressed, alert: nil, incident: source.incidentID, why: Why(
                rule: Rule.inhibit, key: source.fingerprint.value,
                detail: "Alert \(source.id) (\(sourceTitle)) fires and inhibits it: \(rule.description)."))
            return
        }
        let key = config.key(for: signal)
        if var incident = state.incident(forKey: key) {
            let incidentID = incident.id
            if incident.status.isActive {
                let firing = state.firingAlertCount(incidentID: incidentID)
                let withinWindow = time <= incident.lastActivity + config.correlationWindow
                if firing > 0 || withinWindow || incident.holdUntil != nil {
                    let why = firing > 0
                        ? Why(rule: Rule.attachFiring, key: key, .attachFiring, Why.Numbers(incidentID, firing))
                        : incident.holdUntil != nil && !withinWindow
                        ? Why(rule: Rule.flapping, key: key, .flapping, Why.Numbers(incidentID))
                        : Why(rule: Rule.attachWindow, key: key, window: "correlation_window", windowSeconds: config.correlationWindow.wholeSeconds,
                              .attachWindow, Why.Numbers(incidentID))
                    attach(signal, fingerprint: fingerprint, at: time, to: &incident, live: true, why: why, into: &outcome)
                    return
                }
            } else if incident.status == .resolved, let resolvedAt = incident.resolvedAt {
                if time <= resolvedAt, time >= incident.openedAt - config.correlationWindow {
                    let why = Why(rule: Rule.attachLate, key: key, window: "correlation_window", windowSeconds: config.correlationWindow.wholeSeconds,
                                  .attachLate, Why.Numbers(incidentID))
                    attach(signal, fingerprint: fingerprint, at: time, to: &incident, live: false, why: why, into: &outcome)
                    return
                }
                if time > resolvedAt, time <= resolvedAt + config.reopenWindow {
                    incident.status = .open
                    incident.resolvedAt = nil
                    outcome.timeline.append(TimelineEntry(incidentID: incidentID, at: time, kind: .reopened, text: signal.title, signalID: outcome.signalID))
                    let why = Why(rule: Rule.reopen, key: key, window: "reopen_window", windowSeconds: config.reopenWindow.wholeSeconds,
                                  .reopen, Why.Numbers(incidentID))
                    attach(signal, fingerprint: fingerprint, at: time, to: &incident, live: true, why: why, into: &outcome)
                    outcome.decision = .reopened
                    return
                }
            }
        }
        if let (joined, why) = linkedIncident(for: signal, at: time) {
            var incident = joined
            attach(signal, fingerprint: fingerprint, at: time, to: &incident, live: true, why: why, into: &outcome)
            return
        }
        let (held, joining) = threshold(for: signal, fingerprint: fingerprint, key: key, at: time, into: &outcome)
        guard !held else { return }
        open(signal, fingerprint: fingerprint, key: key, at: time, joining: joining, into: &outcome)
    }

    /// Makes a repeat that changed nothing a fold: no signal id, no row, a count in its
    /// alert's history. Should it have made anything to announce or put on a timeline (not
    /// expected of an unchanged repeat), it stays a signal, so that entry has one to point at.
    private mutating func fold(_ alert: LiveAlert, runStartedAt: Timestamp, at time: Timestamp, severity: IncidentSeverity, into outcome: inout Outcome) {
        guard outcome.timeline.isEmpty, outcome.transitions.isEmpty, let signalID = outcome.signalID else {
            var stored = alert
            stored.runStartedAt = nil
            stored.runLastAt = nil
            save(stored, severity: severity, at: time, into: &outcome)
            return
        }
        state.returnSignalID(signalID)
        outcome.signalID = nil
        outcome.fold = Fold(alertID: alert.id, runStartedAt: runStartedAt, at: time)
    }

    private mutating func open(_ signal: Signal, fingerprint: Fingerprint, key: String, at time: Timestamp,
                               joining pending: [CorrelatorMemory.PendingAlert] = [], into outcome: inout Outcome) {
        // The classifier raises the weakest classification to the signal's in `attach`.
        var incident = IncidentState(
            id: state.takeIncidentID(), key: key, title: signal.title, status: .open,
            severity: Classifier.weakest.severity, type: Classifier.weakest.type,
            service: signal.service, services: [], owner: nil, detectedBy: DetectedBy(signal),
            openedAt: time, lastActivity: time, signalCount: 0, alertCount: 0, reportCount: 0, labels: signal.labels)
        outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .opened, text: signal.title, signalID: outcome.signalID))
        let why = Why(rule: Rule.open, key: key, window: "correlation_window", windowSeconds: config.correlationWindow.wholeSeconds,
                      .open)
        // What a threshold held back joins, in the order it came: one alert per fingerprint not
        // firing elsewhere. Their signals stay `pending` rows: the incident counts their alerts
        // and user reports, not their signals.
        var adopted: [(AlertState, Signal)] = []
        var seen: Set<Fingerprint> = [fingerprint]
        for held in pending {
            if held.signal.kind == .report { incident.reportCount += 1 }
            guard seen.insert(held.fingerprint).inserted, state.liveAlert(held.fingerprint) == nil else { continue }
            let labels = PackedLabels(held.signal.labels)
            adopted.append((AlertState(
                id: state.takeAlertID(), fingerprint: held.fingerprint, incidentID: incident.id, status: .firing, kind: held.signal.kind,
                service: held.signal.service, title: held.signal.title, severity: held.signal.severity, labels: labels,
                firstSeen: held.at, lastSeen: held.at, resolvedAt: nil, count: 1, endsAt: held.signal.endsAt,
                digest: held.signal.contentDigest(packed: labels)), held.signal))
            incident.alertCount += 1
            incident.openedAt = min(incident.openedAt, held.at)
            classifier.classify(&incident, with: held.signal)
        }
        attach(signal, fingerprint: fingerprint, at: time, to: &incident, live: true, why: why, into: &outcome)
        for (alert, held) in adopted {
            save(new: alert, from: held, severity: state.incidents[incident.id]?.severity ?? incident.severity, at: time, into: &outcome)
        }
        outcome.decision = .opened
        if let opened = state.incidents[incident.id] {
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .classified, text: classifier.summary(of: opened, first: signal)))
        }
        if let candidate = rollbackCandidate(service: signal.service, incidentID: incident.id, openedAt: time) {
            outcome.timeline.append(candidate)
        }
    }

    /// Makes a new alert for the signal inside `incident`. A late signal (`live == false`)
    /// gets an alert that is already resolved with its incident.
    private mutating func attach(_ signal: Signal, fingerprint: Fingerprint, at time: Timestamp, to incident: inout IncidentState,
                                 live: Bool, why: Why, into outcome: inout Outcome) {
        // Packed once: the digest reads the labels in the packed order instead of sorting them again.
        let labels = PackedLabels(signal.labels)
        let alert = AlertState(
            id: state.takeAlertID(), fingerprint: fingerprint, incidentID: incident.id,
            status: live ? .firing : .resolved, kind: signal.kind, service: signal.service, title: signal.title,
            severity: signal.severity, labels: labels, firstSeen: time, lastSeen: time,
            resolvedAt: live ? nil : incident.resolvedAt, count: 1, endsAt: signal.endsAt,
            flapping: live && isFlapping(fingerprint, at: time), digest: signal.contentDigest(packed: labels))
        incident.alertCount += 1
        if live {
            incident.holdUntil = nil
            // Firing now: it no longer waits for a threshold elsewhere.
            if !memory.pending.isEmpty { forgetPending(fingerprint, key: config.key(for: signal)) }
        }
        if outcome.decision == nil, incident.signalCount > 0 {
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .attached, text: signal.title, signalID: outcome.signalID, alertID: alert.id))
        }
        touch(&incident, with: signal, at: time, into: &outcome)
        save(incident, at: time, into: &outcome)
        save(new: alert, from: signal, severity: incident.severity, at: time, into: &outcome)
        outcome.place(.attached, alert: alert.id, incident: incident.id, why: why)
    }

    /// Counts a signal into its incident and classifies; a change of severity or type of an
    /// incident that already had signals goes on its timeline with the reason.
    private mutating func touch(_ incident: inout IncidentState, with signal: Signal, at time: Timestamp, classifying: Bool = true, into outcome: inout Outcome) {
        let before = incident
        incident.signalCount += 1
        if signal.kind == .report { incident.reportCount += 1 }
        incident.lastActivity = max(incident.lastActivity, time)
        incident.openedAt = min(incident.openedAt, time)
        let verdict = classifying ? verdicts.verdict(for: signal, by: classifier) : nil
        let reasons = classifier.classify(&incident, with: signal, since: before, verdict: verdict)
        // A new incident's classification goes in its `classified` entry instead.
        if state.incidents[incident.id] != nil, !reasons.isEmpty {
            var text = reasons.joined(separator: "; ")
            if incident.severity != before.severity { text = "\(before.severity.rawValue) → \(incident.severity.rawValue): " + text }
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .escalated, text: text, signalID: outcome.signalID))
        }
    }
}
