import AlertgateCore
import Foundation
import Yams

/// Reads the YAML config file into `GatewayConfig`. Every key is optional; an unknown key or
/// a value of the wrong kind is an error that names the key.
///
/// ```yaml
/// http:        { host: 127.0.0.1, port: 9480, max_body_bytes: 1048576, max_compression_ratio: 100,
///                max_concurrent_requests: 1024, max_inflight_body_bytes: 4194304,
///                tls: { cert_file: cert.pem, key_file: key.pem } }
/// logs:        { max_level: 4 }
/// udp:         { host: 127.0.0.1, syslog_port: 5514, gelf_port: 12201, json_port: 5515,
///                receive_buffer_bytes: 4194304, messages_per_read: 16, queue_capacity: 65536,
///                queue_bytes: 16777216, gelf_max_open_messages: 1024, gelf_max_open_bytes: 8388608 }
/// syslog:      { services: { <app or host>: <service> } }
/// otlp:        { max_body_bytes: 8388608, max_spans: 10000, max_attributes_per_span: 128, max_events_per_span: 128,
///                max_attributes: 200000, slow_span_thresholds: { checkout: 500ms } }
/// pagerduty:   { integrations: { <routing key>: { service: checkout } } }
/// storage:     { path: ./alertgate-data/alertgate.sqlite, synchronous: normal }   # or url: postgres://..., writers: one|all
/// pipeline:    { queue_capacity: 4096, max_batch_signals: 4096, expiry_interval: 1s, drain_timeout: 30s }
/// correlation: { correlation_window: 10m, resolve_timeout: 5m, reopen_window: 30m,
///                max_clock_skew: 10m, group_by: [], fold_repeats: true, repeat_run_gap: 10m }
/// ```
/// and the reloadable rules (`ConfigLoader+Policy.swift`).
public enum ConfigLoader {
    /// Every setting at its default: what the bare `alertgate serve` runs with.
    public static var defaults: GatewayConfig { GatewayConfig() }

    public static func load(path: String, into base: GatewayConfig = GatewayConfig()) throws -> GatewayConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: "--config", message: "cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text, into: base)
    }

    public static func parse(yaml: String, into base: GatewayConfig = GatewayConfig()) throws -> GatewayConfig {
        let document: Any?
        do {
            document = try Yams.load(yaml: yaml)
        } catch {
            throw ConfigError(key: "(file)", message: "is not valid YAML: \(error)")
        }
        var config = base
        guard let document else { return config }
        let root = try section(document, "(file)")
        for (key, value) in root {
            switch key {
            case "http":
                for (name, item) in try section(value, "http") {
                    switch name {
                    case "host": config.http.host = try string(item, "http.host")
                    case "port": config.http.port = try integer(item, "http.port")
                    case "max_body_bytes": config.http.maxBodyBytes = try integer(item, "http.max_body_bytes")
                    case "tls":
                        var certFile: String?, keyFile: String?
                        for (field, file) in try section(item, "http.tls") {
                            switch field {
                            case "cert_file": certFile = try string(file, "http.tls.cert_file")
                            case "key_file": keyFile = try string(file, "http.tls.key_file")
                            default: throw unknown("http.tls.\(field)")
                            }
                        }
                        guard let certFile else { throw ConfigError(key: "http.tls.cert_file", message: "is required with http.tls") }
                        guard let keyFile else { throw ConfigError(key: "http.tls.key_file", message: "is required with http.tls") }
                        config.http.tls = GatewayConfig.TLS(certFile: certFile, keyFile: keyFile)
                    case "max_compression_ratio": config.http.maxCompressionRatio = try integer(item, "http.max_compression_ratio")
                    case "max_concurrent_requests": config.http.maxConcurrentRequests = try integer(item, "http.max_concurrent_requests")
                    case "max_inflight_body_bytes": config.http.maxInflightBodyBytes = try integer(item, "http.max_inflight_body_bytes")
                    case "external_url": config.http.externalURL = try url(item, "http.external_url")
                    case "header_timeout": config.http.headerTimeout = try positiveDuration(item, "http.header_timeout")
                    case "rate_limit_per_token": config.http.rateLimitPerToken = try rateLimit(item, "http.rate_limit_per_token")
                    case "rate_limit_per_address": config.http.rateLimitPerAddress = try rateLimit(item, "http.rate_limit_per_address")
                    case "insecure":
                        guard let flag = item as? Bool else { throw ConfigError(key: "http.insecure", message: "must be true or false") }
                        config.http.insecure = flag
                    default: throw unknown("http.\(name)")
                    }
                }
            case "logs":
                for (name, item) in try section(value, "logs") {
                    switch name {
                    case "max_level": config.logs.maxLevel = try integer(item, "logs.max_level")
                    default: throw unknown("logs.\(name)")
                    }
                }
            case "otlp":
                for (name, item) in try section(value, "otlp") {
                    switch name {
                    case "max_body_bytes": config.otlp.maxBodyBytes = try integer(item, "otlp.max_body_bytes")
                    case "max_spans": config.otlp.limits.maxSpans = try integer(item, "otlp.max_spans")
                    case "max_attributes_per_span": config.otlp.limits.maxAttributesPerSpan = try integer(item, "otlp.max_attributes_per_span")
                    case "max_events_per_span": config.otlp.limits.maxEventsPerSpan = try integer(item, "otlp.max_events_per_span")
                    case "max_attributes": config.otlp.limits.maxAttributes = try integer(item, "otlp.max_attributes")
                    case "slow_span_thresholds":
                        for (service, threshold) in try section(item, "otlp.slow_span_thresholds") {
                            config.otlp.slowSpanThresholds[service] = try duration(threshold, "otlp.slow_span_thresholds.\(service)")
                        }
                    default: throw unknown("otlp.\(name)")
                    }
                }
            case "pagerduty":
                for (name, item) in try section(value, "pagerduty") {
                    switch name {
                    case "integrations":
                        for (key, settings) in try section(item, "pagerduty.integrations") {
                            var integration = GatewayConfig.PagerDuty.Integration()
                            for (field, fieldValue) in try section(settings, "pagerduty.integrations.\(key)") {
                                switch field {
                                case "service": integration.service = try string(fieldValue, "pagerduty.integrations.\(key).service")
                                default: throw unknown("pagerduty.integrations.\(key).\(field)")
                                }
                            }
                            config.pagerduty.integrations[key] = integration
                        }
                    default: throw unknown("pagerduty.\(name)")
                    }
                }
            case "udp":
                for (name, item) in try section(value, "udp") {
                    let key = "udp.\(name)"
                    switch name {
                    case "host": config.udp.host = try string(item, key)
                    case "syslog_port": config.udp.syslogPort = try optionalPort(item, key)
                    case "gelf_port": config.udp.gelfPort = try optionalPort(item, key)
                    case "json_port": config.udp.jsonPort = try optionalPort(item, key)
                    case "receive_buffer_bytes": config.udp.receiveBufferBytes = try integer(item, key)
                    case "messages_per_read": config.udp.messagesPerRead = try integer(item, key)
                    case "max_datagram_bytes": config.udp.maxDatagramBytes = try integer(item, key)
                    case "queue_capacity": config.udp.queueCapacity = try integer(item, key)
                    case "queue_bytes": config.udp.queueBytes = try integer(item, key)
                    case "gelf_max_open_messages": config.udp.gelfMaxOpenMessages = try integer(item, key)
                    case "gelf_max_open_bytes": config.udp.gelfMaxOpenBytes = try integer(item, key)
                    default: throw unknown(key)
                    }
                }
            case "syslog":
                for (name, item) in try section(value, "syslog") {
                    switch name {
                    case "services":
                        for (app, service) in try section(item, "syslog.services") {
                            config.syslog.services[app] = try string(service, "syslog.services.\(app)")
                        }
                    default: throw unknown("syslog.\(name)")
                    }
                }
            case "storage":
                for (name, item) in try section(value, "storage") {
                    switch name {
                    case "path": config.storage.path = try string(item, "storage.path")
                    case "synchronous": config.storage.synchronous = try string(item, "storage.synchronous").lowercased()
                    case "url": config.storage.url = try string(item, "storage.url")
                    case "writers": config.storage.writers = try .init(setting: string(item, "storage.writers"))
                    default: throw unknown("storage.\(name)")
                    }
                }
            case "pipeline":
                for (name, item) in try section(value, "pipeline") {
                    switch name {
                    case "queue_capacity": config.pipeline.queueCapacity = try integer(item, "pipeline.queue_capacity")
                    case "max_batch_signals": config.pipeline.maxBatchSignals = try integer(item, "pipeline.max_batch_signals")
                    case "expiry_interval": config.pipeline.expiryInterval = try duration(item, "pipeline.expiry_interval")
                    case "drain_timeout": config.pipeline.drainTimeout = try duration(item, "pipeline.drain_timeout")
                    default: throw unknown("pipeline.\(name)")
                    }
                }
            case "correlation":
                for (name, item) in try section(value, "correlation") {
                    let key = "correlation.\(name)"
                    switch name {
                    case "correlation_window": config.correlation.correlationWindow = try duration(item, key)
                    case "resolve_timeout": config.correlation.resolveTimeout = try duration(item, key)
                    case "reopen_window": config.correlation.reopenWindow = try duration(item, key)
                    case "max_clock_skew": config.correlation.maxClockSkew = try duration(item, key)
                    case "fold_repeats":
                        guard let flag = item as? Bool else { throw ConfigError(key: key, message: "must be true or false") }
                        config.correlation.foldRepeats = flag
                    case "repeat_run_gap": config.correlation.repeatRunGap = try duration(item, key)
                    case "group_by":
                        guard let names = item as? [Any] else { throw ConfigError(key: key, message: "must be a list of label names") }
                        config.correlation.groupBy = try names.enumerated().map { try string($1, "\(key)[\($0)]") }
                    default: throw unknown(key)
                    }
                }
            case _ where policyKeys.contains(key):
                try parsePolicy(key, value, into: &config.policy)
            case _ where notificationKeys.contains(key):
                try parseNotifications(key, value, into: &config.policy.notifications)
            case "auth":
                config.policy.tokens = try tokens(value)
            case "notify":
                config.notify = try notify(value, onto: config.notify)
            case "retention":
                config.retention = try retention(value, onto: config.retention)
            default:
                throw unknown(key)
            }
        }
        try config.validate()
        try validate(config.policy.notifications)
        return config
    }

    static func section(_ value: Any, _ key: String) throws -> [(String, Any)] {
        guard let map = value as? [AnyHashable: Any] else { throw ConfigError(key: key, message: "must be a mapping of keys to values") }
        return try map.map { entry in
            guard let name = entry.key as? String else { throw ConfigError(key: key, message: "has a key that is not text: \(entry.key)") }
            return (name, entry.value)
        }.sorted { $0.0 < $1.0 }
    }

    /// A port, or `off` (also `false` or null) for a listener that is turned off.
    static func optionalPort(_ value: Any?, _ key: String) throws -> Int? {
        switch value {
        case nil, is NSNull: return nil
        case let flag as Bool where flag == false: return nil
        case let text as String where text == "off": return nil
        default:
            let port = try integer(value as Any, key)
            guard (0...65535).contains(port) else { throw ConfigError(key: key, message: "must be a port 0...65535 or off, got \(port)") }
            return port
        }
    }

    static func string(_ value: Any, _ key: String) throws -> String {
        switch value {
        case let text as String: return text
        case let number as Int: return String(number)
        default: throw ConfigError(key: key, message: "must be text")
        }
    }

    static func integer(_ value: Any, _ key: String) throws -> Int {
        if let number = value as? Int { return number }
        if let text = value as? String, let number = Int(text) { return number }
        throw ConfigError(key: key, message: "must be an integer, got \(value)")
    }

    static func duration(_ value: Any, _ key: String) throws -> Duration {
        if let seconds = value as? Int { return .seconds(seconds) }
        if let seconds = value as? Double, seconds.isFinite, seconds >= 0, seconds * 1000 <= Double(DurationText.longest) {
            return .milliseconds(Int64(seconds * 1000))
        }
        if let text = value as? String, let duration = DurationText.parse(text) { return duration }
        throw ConfigError(key: key, message: "must be a duration such as 90s, 5m or 1h, got \(value)")
    }

    static func unknown(_ key: String) -> ConfigError {
        ConfigError(key: key, message: "is not a known setting")
    }
}
