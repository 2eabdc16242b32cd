/// Every setting of a running gateway, each with a default so that the bare
/// `alertgate serve` works. Loaded from YAML and flags by the server target.
public struct GatewayConfig: Hashable, Sendable {
    public struct HTTP: Hashable, Sendable {
        /// Address the HTTP listener binds to.
        public var host = "127.0.0.1"
        /// Port of the HTTP listener; 0 picks a free one.
        public var port = 9480
        /// Largest request body accepted, after decompression too (413 beyond).
        public var maxBodyBytes = 1 << 20
        /// A compressed body may inflate to at most this many times its size (413 beyond): a
        /// compression bomb is refused before it costs its whole limit.
        public var maxCompressionRatio = 100
        /// Requests in progress at once (503 with Retry-After beyond).
        public var maxConcurrentRequests = 1024
        /// Bytes of request bodies (and what compressed ones may inflate to) held at once by
        /// the requests in progress (503 with Retry-After beyond).
        public var maxInflightBodyBytes = 4 << 20
        /// How people reach this alertgate: the base of links in notifications (default:
        /// `http://host:port`).
        public var externalURL: String?
        /// Serve a non-loopback address without tokens (`--insecure`): anyone who reaches the
        /// port may read and act.
        public var insecure = false
        /// A connection that has not sent a whole request head this long after opening, or
        /// after its last answer, is closed (slow clients; idle keep-alive connections).
        public var headerTimeout: Duration = .seconds(30)
        /// Requests per second each token may send (nil: no limit).
        public var rateLimitPerToken: RateLimit?
        /// Requests per second each peer address may send (nil: no limit).
        public var rateLimitPerAddress: RateLimit?
        /// Serve HTTPS with this certificate and key (nil: plain HTTP).
        public var tls: TLS?
        public init() {}
    }

    /// HTTPS: PEM files, read at start and again on SIGHUP (a renewed certificate is taken
    /// without a restart).
    public struct TLS: Hashable, Sendable {
        /// The certificate, followed by its intermediates.
        public var certFile: String
        public var keyFile: String
        public init(certFile: String, keyFile: String) {
            self.certFile = certFile
            self.keyFile = keyFile
        }
    }

    /// A rate limit: `rate` requests per second, up to `burst` at once.
    public struct RateLimit: Hashable, Sendable {
        public var rate: Double
        public var burst: Double
        public init(rate: Double, burst: Double) {
            self.rate = rate
            self.burst = burst
        }
    }

    /// The notification sender: how it tries, and for how long.
    public struct Notify: Hashable, Sendable {
        /// One attempt's limit, connecting and answering.
        public var timeout: Duration = .seconds(10)
        /// A message not delivered this long after its transition is given up (`failed`).
        public var maxAge: Duration = .seconds(24 * 3600)
        /// Messages in flight at once (each incident and receiver still in order).
        public var concurrency = 16
        /// The first retry's delay; each retry doubles it (with jitter), up to `retryMax`.
        public var retryInitial: Duration = .seconds(1)
        public var retryMax: Duration = .seconds(300)
        /// How often the outbox is checked when nothing woke the sender.
        public var pollInterval: Duration = .seconds(1)
        public init() {}
    }

    public struct Storage: Hashable, Sendable {
        /// The SQLite database file; its folder is created if missing.
        public var path = "./alertgate-data/alertgate.sqlite"
        /// `normal` survives a crash of the process; `full` also survives a power loss.
        public var synchronous = "normal"
        /// A PostgreSQL database (`postgres://user[:password]@host[:port]/database`) instead of
        /// the SQLite file; nil keeps SQLite.
        public var url: String?
        /// With PostgreSQL, which gateways on the database write: `one` at a time (the others
        /// wait as standbys), or `all`, each batch in its turn.
        public var writers = Writers.one
        public init() {}

        public enum Writers: String, Hashable, Sendable, CaseIterable {
            case one, all

            /// `one` or `all`, in any case, as the config file, a flag or the environment says it.
            public init(setting text: String) throws(ConfigError) {
                guard let value = Self(rawValue: text.lowercased()) else {
                    throw ConfigError(key: "storage.writers", message: "must be one or all, got \(text)")
                }
                self = value
            }
        }
    }

    public struct Pipeline: Hashable, Sendable {
        /// Ingest requests waiting for the writer before new ones get 503 with Retry-After.
        public var queueCapacity = 4096
        /// Most signals written in one transaction (group commit).
        public var maxBatchSignals = 4096
        /// How often firing alerts are checked against `resolve_timeout`.
        public var expiryInterval: Duration = .seconds(1)
        /// On SIGTERM, how long queued work may take to be committed before alertgate stops
        /// anyway (what is left is answered 503, never acknowledged).
        public var drainTimeout: Duration = .seconds(30)
        public init() {}
    }

    public struct OTLP: Hashable, Sendable {
        /// Largest OTLP/HTTP request body, after decompression too (413 beyond).
        public var maxBodyBytes = 8 << 20
        /// Per service, spans slower than this become degradation signals (none by default).
        public var slowSpanThresholds: [String: Duration] = [:]
        /// What one request may hold (`otlp.max_spans`, `otlp.max_attributes_per_span`...).
        public var limits = OTLPLimits()
        public init() {}
    }

    public struct PagerDuty: Hashable, Sendable {
        /// What a routing key stands for: the service its events belong to by default.
        public struct Integration: Hashable, Sendable {
            public var service: String?
            public init(service: String? = nil) { self.service = service }
        }

        /// Known routing keys; events with other keys are accepted and take their service
        /// from `payload.component` or `payload.source`.
        public var integrations: [String: Integration] = [:]
        public init() {}
    }

    public struct Logs: Hashable, Sendable {
        /// Log messages (GELF, syslog) of this syslog severity or worse become signals
        /// (0 emergency … 7 debug; default 4, warning); the others are counted and dropped.
        public var maxLevel = 4
        public init() {}
    }

    public struct UDP: Hashable, Sendable {
        /// Address the UDP listeners bind to.
        public var host = "127.0.0.1"
        /// Syslog (RFC 5424 and 3164) port; nil turns the listener off.
        public var syslogPort: Int? = 5514
        /// GELF port (plain, zlib, gzip, chunked); nil turns the listener off.
        public var gelfPort: Int? = 12201
        /// Generic JSON event port; nil turns the listener off.
        public var jsonPort: Int? = 5515
        /// SO_RCVBUF asked of the kernel for each listener (it may double it or cap it at rmem_max).
        public var receiveBufferBytes = 4 << 20
        /// Datagrams read per wake-up (vector reads).
        public var messagesPerRead = 16
        /// Largest datagram accepted (64 KiB is the most UDP can carry).
        public var maxDatagramBytes = 65_535
        /// Datagrams waiting for the pipeline per listener; beyond it they are dropped and counted.
        public var queueCapacity = 65_536
        /// Bytes of datagrams waiting per listener, whatever their count (a flood of large ones).
        public var queueBytes = 16 << 20
        /// Chunked GELF messages being reassembled at once, and the bytes of their chunks.
        public var gelfMaxOpenMessages = 1024
        public var gelfMaxOpenBytes = 8 << 20
        public init() {}
    }

    public struct Syslog: Hashable, Sendable {
        /// APP-NAME (or, failing that, HOSTNAME) → service; unmapped messages take the app
        /// name, else the host name, as their service.
        public var services: [String: String] = [:]
        public init() {}
    }

    public var http = HTTP()
    public var udp = UDP()
    public var syslog = Syslog()
    public var logs = Logs()
    public var otlp = OTLP()
    public var pagerduty = PagerDuty()
    public var storage = Storage()
    public var pipeline = Pipeline()
    public var notify = Notify()
    public var correlation = CorrelationConfig()
    public var retention = RetentionConfig()
    /// The catalog and the rules: what a reload replaces.
    public var policy = Policy()

    public init() {}

    /// Checks values that parse but make no sense; the error names the key.
    /// Whether a host name or address is this machine only: `localhost`, 127.0.0.0/8, `::1`
    /// (also IPv4-mapped).
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host.hasPrefix("::ffff:127.")
    }

    /// Refuses to serve beyond this machine with no tokens: anyone who reached the port could
    /// read every incident, act on it and forge alerts.
    /// What the settings ask of each other once flags and environment are applied: gateways
    /// write side by side only on a database server.
    public func requireStorageForWriters() throws(ConfigError) {
        if storage.writers == .all, storage.url == nil {
            throw ConfigError(key: "storage.writers", message: "all needs storage.url: gateways write side by side only on PostgreSQL")
        }
    }

    public func requireTokensBeyondLoopback() throws(ConfigError) {
        guard Self.isLoopback(http.host) || !policy.tokens.isEmpty || http.insecure else {
            throw ConfigError(key: "auth.tokens", message: """
                http.host \(http.host) is reachable from other machines and no token is configured: add auth.tokens \
                (`alertgate token create NAME --scopes ingest,read` prints one), listen on 127.0.0.1, or start with --insecure
                """)
        }
    }

    public func validate() throws(ConfigError) {
        guard (0...65535).contains(http.port) else { throw ConfigError(key: "http.port", message: "must be between 0 and 65535, got \(http.port)") }
        guard http.maxBodyBytes >= 1024 else { throw ConfigError(key: "http.max_body_bytes", message: "must be at least 1024, got \(http.maxBodyBytes)") }
        guard http.maxCompressionRatio >= 2 else { throw ConfigError(key: "http.max_compression_ratio", message: "must be at least 2, got \(http.maxCompressionRatio)") }
        guard http.maxConcurrentRequests >= 1 else { throw ConfigError(key: "http.max_concurrent_requests", message: "must be at least 1") }
        guard http.maxInflightBodyBytes >= 65536 else { throw ConfigError(key: "http.max_inflight_body_bytes", message: "must be at least 65536") }
        guard otlp.maxBodyBytes >= 1024 else { throw ConfigError(key: "otlp.max_body_bytes", message: "must be at least 1024, got \(otlp.maxBodyBytes)") }
        for (key, value) in [("otlp.max_spans", otlp.limits.maxSpans), ("otlp.max_attributes_per_span", otlp.limits.maxAttributesPerSpan),
                             ("otlp.max_events_per_span", otlp.limits.maxEventsPerSpan), ("otlp.max_attributes", otlp.limits.maxAttributes)] where value < 1 {
            throw ConfigError(key: key, message: "must be at least 1, got \(value)")
        }
        for (service, threshold) in otlp.slowSpanThresholds where threshold <= .zero {
            throw ConfigError(key: "otlp.slow_span_thresholds.\(service)", message: "must be positive")
        }
        guard (0...7).contains(logs.maxLevel) else { throw ConfigError(key: "logs.max_level", message: "must be a syslog severity 0..7, got \(logs.maxLevel)") }
        for (key, port) in [("udp.syslog_port", udp.syslogPort), ("udp.gelf_port", udp.gelfPort), ("udp.json_port", udp.jsonPort)] {
            if let port, !(0...65535).contains(port) { throw ConfigError(key: key, message: "must be a port 0...65535 or off, got \(port)") }
        }
        guard udp.receiveBufferBytes >= 65536 else { throw ConfigError(key: "udp.receive_buffer_bytes", message: "must be at least 65536") }
        guard (1...64).contains(udp.messagesPerRead) else { throw ConfigError(key: "udp.messages_per_read", message: "must be between 1 and 64") }
        guard (512...65535).contains(udp.maxDatagramBytes) else { throw ConfigError(key: "udp.max_datagram_bytes", message: "must be between 512 and 65535") }
        guard udp.queueCapacity > 0 else { throw ConfigError(key: "udp.queue_capacity", message: "must be positive") }
        guard udp.queueBytes >= 65536 else { throw ConfigError(key: "udp.queue_bytes", message: "must be at least 65536") }
        guard udp.gelfMaxOpenMessages > 0 else { throw ConfigError(key: "udp.gelf_max_open_messages", message: "must be positive") }
        guard udp.gelfMaxOpenBytes >= 65536 else { throw ConfigError(key: "udp.gelf_max_open_bytes", message: "must be at least 65536") }
        guard !storage.path.isEmpty else { throw ConfigError(key: "storage.path", message: "must not be empty") }
        guard ["normal", "full"].contains(storage.synchronous) else { throw ConfigError(key: "storage.synchronous", message: "must be normal or full, got \(storage.synchronous)") }
        guard pipeline.queueCapacity > 0 else { throw ConfigError(key: "pipeline.queue_capacity", message: "must be positive") }
        guard pipeline.maxBatchSignals > 0 else { throw ConfigError(key: "pipeline.max_batch_signals", message: "must be positive") }
        guard (1...256).contains(notify.concurrency) else { throw ConfigError(key: "notify.concurrency", message: "must be between 1 and 256") }
        guard pipeline.drainTimeout > .zero else { throw ConfigError(key: "pipeline.drain_timeout", message: "must be positive") }
        guard pipeline.expiryInterval > .zero else { throw ConfigError(key: "pipeline.expiry_interval", message: "must be positive") }
        let windows: [(String, Duration)] = [
            ("correlation.correlation_window", correlation.correlationWindow),
            ("correlation.resolve_timeout", correlation.resolveTimeout),
            ("correlation.reopen_window", correlation.reopenWindow),
            ("correlation.max_clock_skew", correlation.maxClockSkew),
        ]
        for (key, value) in windows where value < .zero {
            throw ConfigError(key: key, message: "must not be negative")
        }
        try retention.validate()
    }
}

/// A configuration problem, naming the key to fix.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var key: String
    public var message: String

    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "config key `\(key)`: \(message)" }
}
