import AlertgateCodecs
import AlertgateCore

/// The answer to a generic ingest: `{"accepted", "results", "errors"}` (API.md).
struct IngestResponse: Encodable {
    struct Result: Encodable {
        var signalID: Int64?
        var incidentID: Int64?
        var alertID: Int64?
        var decision: String
        var index: Int

        enum CodingKeys: String, CodingKey {
            case signalID = "signal_id", incidentID = "incident_id", alertID = "alert_id", decision, index
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(signalID, forKey: .signalID)
            try container.encode(incidentID, forKey: .incidentID)
            try container.encode(alertID, forKey: .alertID)
            try container.encode(decision, forKey: .decision)
            try container.encode(index, forKey: .index)
        }
    }

    var accepted: Int
    var results: [Result]
    var errors: [ItemErrorView]

    init(items: [Int], outcomes: [Outcome], errors: [CodecError]) {
        accepted = outcomes.count
        results = zip(items, outcomes).map { item, outcome in
            Result(signalID: outcome.signalID, incidentID: outcome.incidentID, alertID: outcome.alertID,
                   decision: (outcome.decision ?? .recorded).rawValue, index: item)
        }
        self.errors = errors.map(ItemErrorView.init)
    }
}
