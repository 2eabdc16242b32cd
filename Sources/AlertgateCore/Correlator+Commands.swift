extension Correlator {
    /// Carries out a person's command on an incident the correlator knows (see `restore`).
    public mutating func apply(_ command: IncidentCommand, at time: Timestamp) throws(CommandError) -> Outcome {
        guard var incident = state.incidents[command.incidentID] else {
            throw CommandError(.notFound, "incident \(command.incidentID) does not exist")
        }
        var outcome = Outcome(effectiveTime: time, incidentID: incident.id)
        // A person's resolve, close or reopen ends a flapping hold-down: from here the
        // incident follows its alerts again.
        if [.resolve, .close, .reopen].contains(command.action) { incident.holdUntil = nil }
        func entry(_ kind: TimelineEntry.Kind) -> TimelineEntry {
            TimelineEntry(incidentID: incident.id, at: time, kind: kind, by: command.by, text: command.note)
        }

        switch command.action {
        case .acknowledge:
            guard incident.status.isActive else {
                throw CommandError(.invalidTransition, "incident \(incident.id) is \(incident.status.rawValue); only an open incident can be acknowledged")
            }
            if incident.status == .open {
                incident.status = .acknowledged
                if incident.acknowledgedAt == nil { incident.acknowledgedAt = time }
                outcome.timeline.append(entry(.acknowledged))
            }
        case .resolve:
            guard incident.status != .closed else {
                throw CommandError(.invalidTransition, "incident \(incident.id) is closed; reopen it first")
            }
            if incident.status.isActive {
                incident.status = .resolved
                incident.resolvedAt = time
                outcome.timeline.append(entry(.resolved))
                save(incident, at: time, into: &outcome)
                resolveFiringAlerts(of: incident.id, at: time, into: &outcome)
            }
        case .close:
            guard incident.status != .closed else {
                throw CommandError(.invalidTransition, "incident \(incident.id) is already closed")
            }
            incident.status = .closed
            if incident.resolvedAt == nil { incident.resolvedAt = time }
            incident.closedAt = time
            outcome.timeline.append(entry(.closed))
            save(incident, at: time, into: &outcome)
            resolveFiringAlerts(of: incident.id, at: time, into: &outcome)
        case .reopen:
            guard !incident.status.isActive else {
                throw CommandError(.invalidTransition, "incident \(incident.id) is \(incident.status.rawValue); only a resolved or closed incident can be reopened")
            }
            incident.status = .open
            incident.resolvedAt = nil
            incident.closedAt = nil
            incident.lastActivity = max(incident.lastActivity, time)
            outcome.timeline.append(entry(.reopened))
        case .note:
            guard let note = command.note, !note.isEmpty else {
                throw CommandError(.missingNote, "a note needs a non-empty `note`")
            }
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .note, by: command.by, text: note))
        case .update:
            guard let text = command.note, !text.isEmpty else {
                throw CommandError(.missingText, "an update needs a non-empty `text`")
            }
            outcome.timeline.append(TimelineEntry(incidentID: incident.id, at: time, kind: .update, by: command.by, text: text, isPublic: command.isPublic))
            if command.isPublic {
                var update = Transition(kind: .publicUpdate, at: time, incidentID: incident.id, severity: incident.severity, detail: text)
                update.deliveries = notifications.deliveries(for: update, incident: incident)
                outcome.transitions.append(update)
            }
        }

        save(incident, at: time, into: &outcome)
        if command.action == .close { state.forget(incidentID: incident.id) }
        return outcome
    }

    /// Changes what a person may set by hand: severity, type, owner and title.
    public mutating func edit(incidentID: Int64, severity: IncidentSeverity?, type: IncidentType?, owner: String?, title: String?, by: String?, at time: Timestamp) throws(CommandError) -> Outcome {
        guard var incident = state.incidents[incidentID] else {
            throw CommandError(.notFound, "incident \(incidentID) does not exist")
        }
        var changes: [String] = []
        if let severity, severity != incident.severity { incident.severity = severity; incident.classifiedByHand = true; changes.append("severity \(severity.rawValue)") }
        if let type, type != incident.type { incident.type = type; incident.classifiedByHand = true; changes.append("type \(type.rawValue)") }
        if let owner, owner != incident.owner { incident.owner = owner; changes.append("owner \(owner)") }
        if let title, title != incident.title { incident.title = title; changes.append("title \(title)") }
        var outcome = Outcome(effectiveTime: time, incidentID: incidentID)
        if !changes.isEmpty {
            outcome.timeline.append(TimelineEntry(incidentID: incidentID, at: time, kind: .changed, by: by, text: changes.joined(separator: ", ")))
        }
        save(incident, at: time, into: &outcome)
        if incident.status == .closed { state.forget(incidentID: incidentID) }
        return outcome
    }

    private mutating func resolveFiringAlerts(of incidentID: Int64, at time: Timestamp, into outcome: inout Outcome) {
        let firing = (state.firingByIncident[incidentID] ?? []).sorted()
        for id in firing {
            resolveAlert(id, at: time, reason: "resolved with its incident", countsAsFlap: false, into: &outcome)
        }
    }
}
