/// Repeats that fold into their alert instead of becoming signals (`CorrelationConfig.foldRepeats`).
extension Correlator {
    /// Extends the alert's run of folded repeats with one that arrived at `receivedAt`, or
    /// starts a new run when there is none or the last repeat is more than `repeatRunGap` ago.
    /// Runs are kept by arrival: a sender's own time may stay put (Prometheus's startsAt).
    func extendRun(of alert: inout LiveAlert, receivedAt: Timestamp) {
        if let last = alert.runLastAt, alert.runStartedAt != nil, receivedAt <= last + config.repeatRunGap {
            alert.runLastAt = max(last, receivedAt)
        } else {
            alert.runStartedAt = receivedAt
            alert.runLastAt = receivedAt
        }
    }

    /// Folds `count` more arrivals of the signal `outcome` just placed into that signal's alert:
    /// what a UDP listener does with datagrams of one masked message that came together, so a
    /// flood of one log line costs the pipeline one signal, not one per datagram. They count in
    /// the alert (`count`, its run) and its incident (`signal_count`) as that many repeats.
    ///
    /// Nil when they cannot fold: folding is off, or the signal left no firing alert (it was
    /// silenced, suppressed, held by a threshold, or resolved it); the caller then places each
    /// of them as a signal of its own.
    public mutating func foldArrivals(_ count: Int, placedBy outcome: Outcome, receivedAt: Timestamp) -> Outcome? {
        guard config.foldRepeats, count > 0, let alertID = outcome.alertID, var alert = state.alerts[alertID],
              alert.status == .firing, var incident = state.incidents[alert.incidentID] else { return nil }
        let time = outcome.effectiveTime
        extendRun(of: &alert, receivedAt: receivedAt)
        guard let runStartedAt = alert.runStartedAt else { return nil }
        alert.count += Int64(count)
        alert.lastSeen = max(alert.lastSeen, time)
        incident.signalCount += Int64(count)
        incident.lastActivity = max(incident.lastActivity, time)
        var folded = Outcome(fingerprint: alert.fingerprint, effectiveTime: time)
        save(alert, severity: incident.severity, at: time, into: &folded)
        save(incident, at: time, into: &folded)
        folded.place(.repeat, alert: alert.id, incident: incident.id, why: Why(
            rule: Rule.foldRepeat, key: alert.fingerprint.value, window: "repeat_run_gap", windowSeconds: config.repeatRunGap.wholeSeconds,
            .foldRepeat, Why.Numbers(count, alert.id)))
        folded.fold = Fold(alertID: alert.id, runStartedAt: runStartedAt, at: receivedAt, count: Int64(count))
        return folded
    }
}
