import AlertgateCore
import Foundation

/// The config's silences and recurring maintenance windows (see `ConfigLoader+Policy.swift`).
extension ConfigLoader {
    static func silence(_ value: Any, _ key: String) throws -> Silence {
        var matchers: [LabelMatcher] = []
        var startsAt: Timestamp?
        var endsAt: Timestamp?
        var comment = ""
        var createdBy = "config"
        for (field, item) in try section(value, key) {
            let name = "\(key).\(field)"
            switch field {
            case "matchers": matchers = try self.matchers(item, name)
            case "starts_at": startsAt = try time(item, name)
            case "ends_at": endsAt = try time(item, name)
            case "comment": comment = try string(item, name)
            case "created_by": createdBy = try string(item, name)
            default: throw unknown(name)
            }
        }
        guard let startsAt else { throw ConfigError(key: "\(key).starts_at", message: "a silence needs starts_at") }
        guard let endsAt else { throw ConfigError(key: "\(key).ends_at", message: "a silence needs ends_at") }
        let configKey = "\(matchers.map(\.description).joined(separator: ","))|\(startsAt.milliseconds)|\(endsAt.milliseconds)"
        let silence = Silence(id: 0, matchers: matchers, startsAt: startsAt, endsAt: endsAt, createdBy: createdBy, comment: comment,
                              updatedAt: startsAt, configKey: configKey)
        do {
            try silence.validate()
        } catch {
            throw ConfigError(key: "\(key).\(error.field)", message: error.message)
        }
        return silence
    }

    static func maintenance(_ value: Any, _ key: String, index: Int) throws -> MaintenanceWindow {
        var window = MaintenanceWindow(name: "maintenance-\(index + 1)", matchers: [], weekdays: [], fromMinute: 0, toMinute: 0, timeZone: TimeZone(identifier: "UTC")!)
        var hasSchedule = false
        for (field, item) in try section(value, key) {
            let name = "\(key).\(field)"
            switch field {
            case "name": window.name = try string(item, name)
            case "matchers": window.matchers = try matchers(item, name)
            case "comment": window.comment = try string(item, name)
            case "weekly":
                hasSchedule = true
                for (part, setting) in try section(item, name) {
                    let partKey = "\(name).\(part)"
                    switch part {
                    case "days":
                        window.weekdays = Set(try strings(setting, partKey).map { day in
                            guard let position = MaintenanceWindow.weekdayNames.firstIndex(of: String(day.lowercased().prefix(3))) else {
                                throw ConfigError(key: partKey, message: "`\(day)` is not a weekday (mon, tue, wed, thu, fri, sat, sun)")
                            }
                            return position + 1
                        })
                    case "from": window.fromMinute = try clockTime(setting, partKey)
                    case "to": window.toMinute = try clockTime(setting, partKey)
                    case "time_zone":
                        let identifier = try string(setting, partKey)
                        guard let zone = TimeZone(identifier: identifier) else { throw ConfigError(key: partKey, message: "`\(identifier)` is not a known time zone") }
                        window.timeZone = zone
                        window.timeZoneName = identifier
                    default: throw unknown(partKey)
                    }
                }
            default: throw unknown(name)
            }
        }
        guard !window.matchers.isEmpty else { throw ConfigError(key: "\(key).matchers", message: "a maintenance window needs at least one matcher") }
        guard hasSchedule, !window.weekdays.isEmpty else { throw ConfigError(key: "\(key).weekly.days", message: "a maintenance window needs its weekdays") }
        guard window.fromMinute != window.toMinute else { throw ConfigError(key: "\(key).weekly.to", message: "must differ from `from`") }
        return window
    }
}
