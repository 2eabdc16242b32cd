import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// `GET /api/v1/alerts/{id}`: one alert with its repeat history, and `GET /api/v1/payloads/{id}/raw`:
/// any stored body by its own id, as the history names them for folded repeats.
struct AlertRoutes: Sendable {
    let store: any StoreReader
    let config: GatewayConfig

    func register(on router: Router<GatewayRequestContext>) {
        router.get("/api/v1/alerts/:id") { request, context in try await alert(request, try id(context, "alert")) }
        router.get("/api/v1/payloads/:id/raw") { request, context in try await payload(request, try id(context, "payload")) }
    }

    private func id(_ context: GatewayRequestContext, _ what: String) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError.invalidParameter("id", "must be an integer \(what) id")
        }
        return id
    }

    func alert(_ request: Request, _ id: Int64) async throws -> Response {
        let limit = try QueryParameters(request.uri).integer("limit").map(Int.init) ?? 100
        guard (1...1000).contains(limit) else { throw APIError.invalidParameter("limit", "must be between 1 and 1000") }
        guard let alert = try await store.alert(id: id) else { throw APIError.notFound("alert \(id)") }
        async let signals = store.signals(alertID: id, incidentID: alert.incidentID, limit: limit)
        async let runs = store.repeatRuns(alertID: id, limit: limit)
        let history = AlertHistory(signals: try await signals, runs: try await runs, limit: limit)
        return JSONOutput.response(AlertDetailView(alert: alert, history: history, repeatRunGap: config.correlation.repeatRunGap))
    }

    func payload(_ request: Request, _ id: Int64) async throws -> Response {
        let item = try QueryParameters(request.uri).integer("item").map(Int.init)
        guard let payload = try await store.payload(id: id) else {
            throw APIError.notFound("payload \(id) (never stored, or deleted by retention.payloads)")
        }
        return try RawPayloadResponse.response(payload, item: item.map(RawPayloadResponse.Item.asked))
    }
}

/// An alert's arrivals, newest first: each stored signal, and each run of repeats folded
/// between them (`CorrelationConfig.foldRepeats`).
struct AlertHistory {
    enum Entry {
        case signal(StoredSignal)
        case repeats(RepeatRun)

        var at: Timestamp {
            switch self {
            case .signal(let signal): signal.receivedAt
            case .repeats(let run): run.startedAt
            }
        }
    }

    let entries: [Entry]

    init(signals: [StoredSignal], runs: [RepeatRun], limit: Int) {
        // Both come newest first, by arrival; a run began after the signal it follows (ties: the run first).
        var merged: [Entry] = []
        var s = signals[...], r = runs[...]
        while merged.count < limit, !(s.isEmpty && r.isEmpty) {
            if let run = r.first, s.first.map({ run.startedAt >= $0.receivedAt }) ?? true {
                merged.append(.repeats(run))
                r = r.dropFirst()
            } else if let signal = s.first {
                merged.append(.signal(signal))
                s = s.dropFirst()
            }
        }
        entries = merged
    }
}

struct AlertDetailView: Encodable {
    let alert: AlertState
    let history: AlertHistory
    let repeatRunGap: Duration

    enum CodingKeys: String, CodingKey {
        case endsAt = "ends_at", history
    }

    func encode(to encoder: any Encoder) throws {
        try AlertView(alert).encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(alert.endsAt?.rfc3339, forKey: .endsAt)
        try c.encode(history.entries.map { HistoryEntryView(entry: $0, fingerprint: alert.fingerprint, repeatRunGap: repeatRunGap) }, forKey: .history)
    }
}

/// One line of an alert's history: `{"type": "signal", ...}` or `{"type": "repeats", ...}`.
struct HistoryEntryView: Encodable {
    let entry: AlertHistory.Entry
    let fingerprint: Fingerprint
    let repeatRunGap: Duration

    enum CodingKeys: String, CodingKey {
        case type, id, at, decision, status, title, raw, from, to, count, why
        case firstPayloadID = "first_payload_id", lastPayloadID = "last_payload_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch entry {
        case .signal(let signal):
            try c.encode("signal", forKey: .type)
            try c.encode(signal.id, forKey: .id)
            try c.encode(signal.at.rfc3339, forKey: .at)
            try c.encode(signal.decision.rawValue, forKey: .decision)
            try c.encode(signal.status.rawValue, forKey: .status)
            try c.encode(signal.title, forKey: .title)
            try c.encode("/api/v1/signals/\(signal.id)/raw", forKey: .raw)
        case .repeats(let run):
            try c.encode("repeats", forKey: .type)
            try c.encode(run.startedAt.rfc3339, forKey: .from)
            try c.encode(run.lastAt.rfc3339, forKey: .to)
            try c.encode(run.count, forKey: .count)
            try c.encode(run.firstPayloadID, forKey: .firstPayloadID)
            try c.encode(run.lastPayloadID, forKey: .lastPayloadID)
            try c.encode("/api/v1/payloads/\(run.firstPayloadID)/raw", forKey: .raw)
            try c.encode(Why(
                rule: Correlator.Rule.foldRepeat, key: fingerprint.value, window: "repeat_run_gap", windowSeconds: repeatRunGap.wholeSeconds,
                detail: "\(run.count) repeat(s) that changed nothing but their times (same status, labels, annotations and severity) "
                    + "were counted, not stored as signals; every body is kept, the first in payload \(run.firstPayloadID), the last in payload \(run.lastPayloadID)."),
                forKey: .why)
        }
    }
}
