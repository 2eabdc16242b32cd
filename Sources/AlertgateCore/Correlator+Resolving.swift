/// Resolving and acknowledging: a sender's resolve or acknowledgement, and an alert's
/// resolution wherever it comes from (a resolve, a timeout, a command), with the flapping
/// hold-down that keeps an incident open while its alerts flap.
extension Correlator {
    mutating func resolve(_ signal: Signal, fingerprint: Fingerprint, at time: Timestamp, into outcome: inout Outcome) {
        guard let alert = state.liveAlert(fingerprint) else {
            forgetPending(fingerprint, key: config.key(for: signal))
            outcome.place(.recorded, alert: nil, incident: nil, why: Why(
                rule: Rule.resolveWithoutAlert, key: fingerprint.value, .resolveWithoutAlert))
            return
        }
        resolveAlert(alert.id, at: max(time, alert.firstSeen), reason: "resolved by its sender", signalID: outcome.signalID, into: &outcome)
        if var incident = state.incidents[alert.incidentID] {
            incident.signalCount += 1
            incident.lastActivity = max(incident.lastActivity, time)
            save(incident, at: time, into: &outcome)
        }
        outcome.place(.resolved, alert: alert.id, incident: alert.incidentID, why: Why(
            rule: Rule.resolveSignal, key: fingerprint.value, .resolveSignal, Why.Numbers(alert.id)))
    }

    /// The sender says someone is on it: the alert counts the signal and its incident is
    /// acknowledged if it was open.
    mutating func acknowledge(_ signal: Signal, fingerprint: Fingerprint, at time: Timestamp, into outcome: inout Outcome) {
        guard var alert = state.liveAlert(fingerprint), var incident = state.incidents[alert.incidentID] else {
            outcome.place(.recorded, alert: nil, incident: nil, why: Why(
                rule: Rule.acknowledgeWithoutAlert, key: fingerprint.value, .acknowledgeWithoutAlert))
            return
        }
        alert.count += 1
        alert.lastSeen = max(alert.lastSeen, time)
        save(alert, severity: incident.severity, at: time, into: &outcome)
        incident.signalCount += 1
        incident.lastActivity = max(incident.lastActivity, time)
        if incident.status == .open {
            incident.status = .acknowledged
            incident.acknowledgedAt = time
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .acknowledged, by: signal.sender ?? signal.source.rawValue,
                                                  text: "acknowledged by its sender", signalID: outcome.signalID, alertID: alert.id))
        }
        save(incident, at: time, into: &outcome)
        outcome.place(.repeat, alert: alert.id, incident: incident.id, why: Why(
            rule: Rule.acknowledgeSignal, key: fingerprint.value, .acknowledgeSignal, Why.Numbers(alert.id, incident.id)))
    }

    /// Resolves a live alert; its incident resolves with its last firing alert, unless the
    /// alert flaps. A resolve that a person's command caused (`countsAsFlap: false`) is no flap.
    mutating func resolveAlert(_ alertID: Int64, at time: Timestamp, reason: String, signalID: Int64? = nil, countsAsFlap: Bool = true,
                               into outcome: inout Outcome) {
        guard var alert = state.alerts[alertID] else { return }
        alert.status = .resolved
        alert.resolvedAt = time
        let (flapping, startsFlapping) = countsAsFlap ? countResolve(alert.fingerprint, at: time) : (false, false)
        alert.flapping = alert.flapping || flapping
        let current = state.incidents[alert.incidentID]
        save(alert, severity: current?.severity ?? Classifier.weakest.severity, at: time, into: &outcome)
        guard var incident = current else { return }
        outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .alertResolved, text: reason, signalID: signalID, alertID: alert.id,
                                              leadsWithAlertTitle: true))
        if flapping, incident.status.isActive, state.firingAlertCount(incidentID: incident.id) == 0 {
            // No resolve storm: it stays open until quiet for the hold-down.
            let until = time + rules.flapping.holdDown
            if startsFlapping {
                outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .flapping, text: """
                    resolved \(memory.flaps[alert.fingerprint]?.count ?? 0) times within \(DurationText.format(rules.flapping.window)): \
                    flapping; the incident stays open until no alert fires for \(DurationText.format(rules.flapping.holdDown)).
                    """, signalID: signalID, alertID: alert.id, leadsWithAlertTitle: true))
            }
            incident.holdUntil = until
        } else if incident.status.isActive, state.firingAlertCount(incidentID: incident.id) == 0 {
            incident.status = .resolved
            incident.resolvedAt = time
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .resolved, text: "All alerts resolved.", signalID: signalID))
        }
        save(incident, at: time, into: &outcome)
    }
}
