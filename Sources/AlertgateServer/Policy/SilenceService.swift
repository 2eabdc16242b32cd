import AlertgateCore

/// Makes, changes and expires silences: stored first, then put in force in the `PolicyBook`,
/// so an answer means the next signal sees it. Both silence APIs (alertgate's and
/// Alertmanager's) go through here.
struct SilenceService: Sendable {
    let store: any SilenceStore
    let book: PolicyBook
    let clock: any WallClock

    /// What a client asks for; `id` set changes that silence (Alertmanager's update).
    struct Draft: Sendable {
        var id: Int64?
        var matchers: [LabelMatcher]
        var startsAt: Timestamp?
        var endsAt: Timestamp
        var createdBy: String
        var comment: String
    }

    /// The silences, newest first; `states` keeps only those in these states now.
    func list(states: Set<Silence.State>? = nil) -> [Silence] {
        let now = clock.now()
        return book.current.silences.filter { silence in
            states.map { $0.contains(silence.state(at: now)) } ?? true
        }
    }

    func create(_ draft: Draft) async throws -> Silence {
        let now = clock.now()
        // A start in the past starts now, as in Alertmanager.
        let startsAt = max(draft.startsAt ?? now, now)
        var silence = Silence(id: draft.id ?? 0, matchers: draft.matchers, startsAt: startsAt, endsAt: draft.endsAt,
                              createdBy: draft.createdBy, comment: draft.comment, updatedAt: now)
        if let id = draft.id {
            guard let existing = book.silence(id: id) else { throw APIError.notFound("silence \(id)") }
            silence.configKey = existing.configKey
            if existing.state(at: now) == .active { silence.startsAt = min(existing.startsAt, startsAt) }
        }
        do {
            try silence.validate()
        } catch {
            throw APIError(.badRequest, code: "invalid_silence", message: error.message, field: error.field)
        }
        guard let stored = try await store.save(silence) else { throw APIError.notFound("silence \(silence.id)") }
        book.upsert(stored)
        return stored
    }

    /// Ends a silence now; expiring an expired one changes nothing.
    func expire(id: Int64) async throws -> Silence {
        guard var silence = book.silence(id: id) else { throw APIError.notFound("silence \(id)") }
        let now = clock.now()
        guard silence.state(at: now) != .expired else { return silence }
        if silence.state(at: now) == .pending { silence.startsAt = now }
        silence.endsAt = now
        silence.updatedAt = now
        guard let stored = try await store.save(silence) else { throw APIError.notFound("silence \(id)") }
        book.upsert(stored)
        return stored
    }

    /// Reads every silence back into the book (after a reload changed the config's).
    func refresh() async throws {
        book.replace(silences: try await store.silences())
    }

    /// Reads the silences and puts them in force if another gateway on the same database
    /// changed them; returns whether they changed.
    @discardableResult
    func refreshIfChanged() async throws -> Bool {
        let stored = try await store.silences()
        guard Set(stored) != Set(book.current.silences) else { return false }
        book.replace(silences: stored)
        return true
    }
}
