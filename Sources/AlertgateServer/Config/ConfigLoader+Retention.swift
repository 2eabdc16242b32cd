import AlertgateCore
import Foundation

/// `retention`: how long what alertgate stored is kept (see `RetentionConfig` for the defaults
/// and why):
///
/// ```yaml
/// retention: {payloads: 30d, signals: 90d, incidents: 365d, interval: 1h, batch: 1000}
/// ```
///
/// An age is a duration, or `off` (also `0`, `false` or empty) to keep forever.
extension ConfigLoader {
    static func retention(_ value: Any, onto base: RetentionConfig) throws -> RetentionConfig {
        var retention = base
        for (name, item) in try section(value, "retention") {
            let key = "retention.\(name)"
            switch name {
            case "payloads": retention.payloads = try age(item, key)
            case "signals": retention.signals = try age(item, key)
            case "incidents": retention.incidents = try age(item, key)
            case "interval": retention.interval = try positiveDuration(item, key)
            case "batch": retention.batch = try integer(item, key)
            default: throw unknown(key)
            }
        }
        return retention
    }

    /// A retention age, or nil for `off`, `0`, `false` or null: kept forever. (YAML 1.1 reads a
    /// bare `off` as false.)
    static func age(_ value: Any?, _ key: String) throws -> Duration? {
        guard let value, !(value is NSNull) else { return nil }
        if let flag = value as? Bool {
            guard !flag else { throw ConfigError(key: key, message: "must be an age such as 30d, or off to keep forever") }
            return nil
        }
        if let text = value as? String, text.lowercased() == "off" { return nil }
        let age = try duration(value, key)
        return age == .zero ? nil : age
    }
}
