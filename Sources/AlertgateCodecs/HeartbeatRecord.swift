import AlertgateCore

/// The payload stored with a heartbeat's signal: what alertgate saw (the heartbeat, the change,
/// when, and what a `fail` ping carried), written by `encode` and read back by `decode` into
/// the same signal, so `/raw` and the signal view show a heartbeat's alert as any other.
///
/// ```json
/// {"heartbeat":"nightly-backup","service":"backups","schedule":"every 1d","grace":"1h",
///  "event":"missed","at":"...","deadline":"...","last_ping_at":"...","created_at":"...","detail":"..."}
/// ```
public enum HeartbeatRecord {
    public static let contentType = "application/json"

    public static func encode(_ heartbeat: Heartbeat, change: HeartbeatChange, at time: Timestamp, detail: String?) -> [UInt8] {
        var fields: [(String, String)] = [("heartbeat", heartbeat.spec.name)]
        if let service = heartbeat.spec.service { fields.append(("service", service)) }
        switch heartbeat.spec.schedule {
        case .every(let period): fields.append(("every", DurationText.format(period)))
        case .cron(let cron): fields.append(("cron", cron.description))
        }
        fields.append(("grace", DurationText.format(heartbeat.spec.grace)))
        switch change {
        case .missed(let deadline): fields += [("event", "missed"), ("deadline", deadline.rfc3339)]
        case .failed: fields.append(("event", "failed"))
        case .recovered(let from): fields += [("event", "recovered"), ("from", from.rawValue)]
        case .unwatched(let from): fields += [("event", "unwatched"), ("from", from.rawValue)]
        }
        fields.append(("at", time.rfc3339))
        fields.append(("created_at", heartbeat.createdAt.rfc3339))
        if let last = heartbeat.lastPingAt { fields.append(("last_ping_at", last.rfc3339)) }
        if let detail, !detail.isEmpty { fields.append(("detail", detail)) }
        var out = "{"
        for (index, (key, value)) in fields.enumerated() {
            if index > 0 { out += "," }
            out += "\"\(key)\":"
            JSONQuoting.append(value, to: &out)
        }
        out += "}"
        return Array(out.utf8)
    }

    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> Signal {
        let record = try JSONObjectReader(JSONValue.parse(bytes))
        func required(_ key: String) throws(CodecError) -> String {
            guard let value = try record.string(key) else { throw .missing(key) }
            return value
        }
        func time(_ key: String) throws(CodecError) -> Timestamp {
            guard let value = try record.time(key) else { throw .missing(key) }
            return value
        }
        let schedule: HeartbeatSchedule
        if let every = try record.string("every") {
            guard let period = DurationText.parse(every) else { throw .invalidValue("every", "must be a duration such as 1h") }
            schedule = .every(period)
        } else {
            let expression = try required("cron")
            do throws(CronSchedule.ParseError) { schedule = .cron(try CronSchedule(parsing: expression)) } catch {
                throw .invalidValue("cron", error.description)
            }
        }
        guard let grace = DurationText.parse(try required("grace")) else { throw .invalidValue("grace", "must be a duration such as 1h") }
        let spec = HeartbeatSpec(name: try required("heartbeat"), service: try record.string("service"), schedule: schedule, grace: grace)
        let heartbeat = Heartbeat(spec: spec, createdAt: try time("created_at"), lastPingAt: try record.time("last_ping_at"))
        let change: HeartbeatChange
        switch try required("event") {
        case "missed": change = .missed(deadline: try time("deadline"))
        case "failed": change = .failed
        case "recovered": change = .recovered(from: try record.string("from") == HeartbeatState.failed.rawValue ? .failed : .missed)
        case "unwatched": change = .unwatched(from: try record.string("from") == HeartbeatState.failed.rawValue ? .failed : .missed)
        case let other: throw .invalidValue("event", "must be missed, failed, recovered or unwatched, got \"\(other.prefix(32))\"")
        }
        return heartbeat.signal(for: change, at: try time("at"), detail: try record.string("detail", maxBytes: 65_536))
    }
}
