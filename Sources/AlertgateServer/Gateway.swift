import AlertgateCodecs
import AlertgateCore
import AlertgatePostgres
import AlertgateStorage
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// A whole alertgate: the store, the pipeline and the HTTP application, wired together.
public struct Gateway: Sendable {
    public let config: GatewayConfig
    /// The store: the pipeline writes it, the query routes read it. An `SQLiteStore` unless
    /// `storage.url` names a PostgreSQL database.
    public let store: any GatewayStore
    public let pipeline: IngestPipeline
    /// Heartbeats' pings and the sweep that finds them missed.
    public let heartbeats: HeartbeatService
    public let metrics: GatewayMetrics
    /// The rules and silences in force; a reload or a silence change replaces them.
    public let policy: PolicyBook
    /// Reloads the rules from `configPath` (SIGHUP, `POST /api/v1/admin/reload`).
    public let reloader: Reloader
    let silences: SilenceService
    let startedAt: Timestamp
    let spanCounters: SpanCounters
    /// Counters of the UDP listeners.
    public let udpStats: UDPStats
    /// The ports the UDP listeners are bound to.
    public let udpPorts = UDPPorts()
    /// The certificate and key when serving HTTPS (`http.tls`), reloaded on SIGHUP.
    let tls: TLSContextStore?
    /// The bounds on requests in progress (`http.max_concurrent_requests`, `http.max_inflight_body_bytes`).
    let admission: RequestAdmission
    /// What retention deleted since start.
    public let retentionStats: RetentionStats
    /// The base of links in notifications: `http.external_url`, else the bound address.
    let externalURL: ExternalURL
    /// The console's sign-ins (`ConsoleSessions`), kept while alertgate runs.
    let consoleSessions = ConsoleSessions()
    let clock: any WallClock
    let logger: Logger

    /// Sets what a serving process sets once for all its databases: SQLite counts no memory
    /// (`SQLiteLibrary.stopCountingMemory`). Call it first in the process's entry point, before
    /// anything opens a database; tests that start gateways inside their own process leave it.
    public static func prepareProcess() {
        SQLiteLibrary.stopCountingMemory()
    }

    /// Opens the store (`storage.url`, else the SQLite file at `storage.path`) and builds the
    /// pipeline; nothing runs until `run` or `application`. `configPath` is the file `config`
    /// came from, which a reload reads again. On PostgreSQL it first takes the database's writer
    /// lock, waiting as a standby while another gateway holds it (`onStandby` is called then).
    public static func open(config: GatewayConfig, configPath: String? = nil, clock: any WallClock = SystemWallClock(),
                            logger: Logger = Logger(label: "alertgate"), onStandby: @Sendable () -> Void = {}) async throws -> Gateway {
        try config.validate()
        try config.requireTokensBeyondLoopback()
        try config.requireStorageForWriters()
        let store: any GatewayStore = if let url = config.storage.url {
            try await PostgresStore.open(url: url, sharing: config.storage.writers == .all ? .turns : .standby, logger: logger,
                                         onWaiting: onStandby)
        } else {
            try SQLiteStore(path: config.storage.path, synchronous: config.storage.synchronous)
        }
        do {
            try await store.syncConfigSilences(config.policy.silences, now: clock.now())
            return try Gateway(config: config, store: store, storedSilences: try await store.silences(), configPath: configPath, clock: clock,
                               logger: logger)
        } catch {
            await (store as? PostgresStore)?.close()
            throw error
        }
    }

    private init(config: GatewayConfig, store: any GatewayStore, storedSilences: [Silence], configPath: String?, clock: any WallClock,
                 logger: Logger) throws {
        self.config = config
        self.clock = clock
        self.logger = logger
        startedAt = clock.now()
        tls = try config.http.tls.map { try TLSContextStore(settings: $0) }
        self.store = store
        metrics = GatewayMetrics()
        spanCounters = SpanCounters(registry: metrics.registry)
        udpStats = UDPStats(registry: metrics.registry)
        retentionStats = RetentionStats(registry: metrics.registry)
        policy = PolicyBook(policy: config.policy, silences: storedSilences)
        silences = SilenceService(store: store, book: policy, clock: clock)
        var announce: (@Sendable () async throws -> Void)?
        if config.storage.writers == .all, let database = store as? PostgresStore {
            announce = { [clock] in try await database.announceReload(at: clock.now()) }
        }
        pipeline = IngestPipeline(store: store, config: config, clock: clock, policy: policy, metrics: metrics, logger: logger)
        let heartbeats = HeartbeatService(store: store, pipeline: pipeline, book: policy, clock: clock, interval: config.pipeline.expiryInterval,
                                          shared: config.storage.url != nil, logger: logger)
        self.heartbeats = heartbeats
        reloader = Reloader(configPath: configPath, base: config, book: policy, silences: silences, tls: tls, metrics: metrics, logger: logger,
                            announce: announce, reloaded: { [heartbeats] in heartbeats.policyChanged() })
        externalURL = ExternalURL(configured: config.http.externalURL)
        admission = RequestAdmission(maxRequests: config.http.maxConcurrentRequests, maxBodyBytes: config.http.maxInflightBodyBytes,
                                     httpBodyLimit: config.http.maxBodyBytes, otlpBodyLimit: config.otlp.maxBodyBytes,
                                     maxCompressionRatio: config.http.maxCompressionRatio)
    }

    /// Delivers the notification outbox (`NotificationSender`).
    func notificationSender() -> NotificationSender {
        NotificationSender(outbox: store, reader: store, book: policy, clock: clock, config: config.notify, baseURL: externalURL,
                           doorbell: pipeline.deliveriesStored, metrics: metrics, logger: logger)
    }

    /// Deletes what `retention` says is old enough (`RetentionService`).
    func retentionService() -> RetentionService {
        RetentionService(store: store, config: config.retention, clock: clock, stats: retentionStats, logger: logger)
    }

    /// The HTTP application with the pipeline as one of its services: running it starts the
    /// pipeline first and, on SIGTERM or SIGINT, stops accepting, drains the queue and closes.
    /// `onListening` gets the bound address (useful with port 0).
    public func application(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) -> some ApplicationProtocol {
        let router = makeRouter()
        let host = config.http.host
        let headerTimeout = TimeAmount.milliseconds(config.http.headerTimeout.wholeMilliseconds)
        // A new deadline handler for each connection (the argument is evaluated per channel).
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [RequestHeadDeadline(timeout: headerTimeout)])
        let server: HTTPServerBuilder = if let tls {
            HTTPServerBuilder { responder in ReloadableTLSChannel(base: HTTP1Channel(responder: responder, configuration: http1), contexts: tls) }
        } else {
            .http1(configuration: http1)
        }
        let scheme = tls == nil ? "http" : "https"
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(host, port: config.http.port), serverName: "alertgate"),
            services: storeServices() + [pipeline, heartbeats, reloader, notificationSender(), retentionService()] + udpListeners(),
            onServerRunning: { [externalURL] channel in
                externalURL.listening(host: host, port: channel.localAddress?.port ?? 0, scheme: scheme)
                await onListening(host, channel.localAddress?.port ?? 0)
            },
            logger: logger)
    }

    /// What the store itself runs: SQLite's WAL checkpoints beside the writer, or PostgreSQL's
    /// writer lock watched and the connections closed once everything before it has stopped.
    /// First in the list, so stopped last.
    func storeServices() -> [any Service] {
        switch store {
        case let file as SQLiteStore: [CheckpointService(store: file, logger: logger)]
        case let database as PostgresStore where config.storage.writers == .all:
            [PostgresWriterService(store: database),
             ReplicaSync(store: database, silences: silences, reloader: reloader, clock: clock, logger: logger)]
        case let database as PostgresStore: [PostgresWriterService(store: database)]
        default: []
        }
    }

    /// Every route, behind the middlewares: errors as answers, admission, the token, the audit
    /// log, rate limits, the scope. (`OpenAPITests` holds `docs/openapi.yaml` to these routes.)
    func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        let routeMethods = RouteMethods()
        // One stack of fixed types (Hummingbird's result builder), the first outermost, not six
        // middlewares added one by one, each called through an existential with a stored `next`
        // closure: one alert per POST, 64 connections, 123 → 117 µs of CPU a request
        // (BENCHMARKS.md, note of the run of 2026-12-05 08:21).
        router.addMiddleware {
            ErrorBodyMiddleware(logger: logger, routeMethods: routeMethods)
            AdmissionMiddleware(admission: admission, metrics: metrics)
            TokenAuthenticator(book: policy)
            AuditMiddleware(audit: store, clock: clock, logger: logger)
            RateLimitMiddleware(perToken: config.http.rateLimitPerToken, perAddress: config.http.rateLimitPerAddress, clock: clock, metrics: metrics)
            ScopeMiddleware(book: policy, metrics: metrics, maxBodyBytes: config.http.maxBodyBytes, integrations: config.pagerduty.integrations)
        }
        let bodyReader = RequestBodyReader(maxBytes: config.http.maxBodyBytes, maxCompressionRatio: config.http.maxCompressionRatio)
        let ingestor = Ingestor(pipeline: pipeline, bodyReader: bodyReader, clock: clock, metrics: metrics)
        IngestRoutes(ingestor: ingestor).register(on: router)
        ToolRoutes(ingestor: ingestor).register(on: router)
        HeartbeatRoutes(heartbeats: heartbeats, bodyReader: bodyReader, clock: clock).register(on: router)
        AlertmanagerRoutes(ingestor: ingestor).register(on: router)
        PagerDutyRoutes(ingestor: ingestor, integrations: config.pagerduty.integrations).register(on: router)
        GELFRoutes(ingestor: ingestor, maxLevel: config.logs.maxLevel).register(on: router)
        OTLPRoutes(ingestor: ingestor, config: config, spanCounters: spanCounters).register(on: router)
        IncidentRoutes(store: store, pipeline: pipeline, policy: policy, bodyReader: bodyReader, clock: clock).register(on: router)
        SignalRoutes(store: store, config: config).register(on: router)
        AlertRoutes(store: store, config: config).register(on: router)
        NotificationRoutes(store: store).register(on: router)
        AuditRoutes(audit: store).register(on: router)
        OperationsRoutes(store: store, outbox: store, pipeline: pipeline, metrics: metrics, udpStats: udpStats, clock: clock).register(on: router)
        SilenceRoutes(silences: silences, bodyReader: bodyReader).register(on: router)
        AlertmanagerQueryRoutes(silences: silences, store: store, bodyReader: bodyReader, resolveTimeout: config.correlation.resolveTimeout,
                                startedAt: startedAt, shownConfig: { [reloader] in reloader.redactedConfig }).register(on: router)
        PolicyRoutes(book: policy, store: store, reloader: reloader).register(on: router)
        let status = StatusRoutes(book: policy, store: store, externalURL: externalURL, clock: clock)
        status.register(on: router)
        StatusReportRoutes(status: status, ingestor: ingestor).register(on: router)
        let componentStates = ComponentStateRoutes(status: status, store: store, bodyReader: bodyReader, clock: clock)
        componentStates.register(on: router)
        ConsoleRoutes(store: store, pipeline: pipeline, book: policy, silences: silences, componentStates: componentStates, sessions: consoleSessions,
                      audit: store, metrics: metrics, clock: clock,
                      secureCookies: tls != nil || config.http.externalURL?.lowercased().hasPrefix("https://") == true, logger: logger).register(on: router)
        routeMethods.load(router.routes.map { (path: $0.path.description, method: $0.method) })
        return router
    }

    /// A Service for each UDP port that is not turned off.
    func udpListeners() -> [any Service] {
        let udp = config.udp
        func listener<D: DatagramDecoder>(_ decoder: D, _ port: Int?) -> (any Service)? {
            port.map {
                UDPListener(decoder: decoder, host: udp.host, port: $0, settings: udp, pipeline: pipeline, stats: udpStats,
                            ports: udpPorts, clock: clock, logger: logger)
            }
        }
        return [
            listener(SyslogDatagramDecoder(codec: SyslogCodec(services: config.syslog.services), maxLevel: config.logs.maxLevel), udp.syslogPort),
            listener(GELFDatagramDecoder(maxLevel: config.logs.maxLevel, maxMessageBytes: config.http.maxBodyBytes,
                                         maxOpenMessages: udp.gelfMaxOpenMessages, maxOpenBytes: udp.gelfMaxOpenBytes), udp.gelfPort),
            listener(JSONDatagramDecoder(), udp.jsonPort),
        ].compactMap { $0 }
    }

    /// Runs until SIGTERM or SIGINT, then shuts down gracefully.
    /// On SIGTERM the queue has `pipeline.drain_timeout` to be committed; past it the services
    /// are cancelled and what is left is answered 503 (never acknowledged).
    public func run(onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }) async throws {
        var configuration = ServiceGroupConfiguration(services: [application(onListening: onListening)], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger)
        configuration.maximumGracefulShutdownDuration = config.pipeline.drainTimeout
        configuration.maximumCancellationDuration = .seconds(5)
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch {
            // The UDP listeners name their own binding failures; one left is the HTTP server's.
            throw ListenError(listener: "HTTP", host: config.http.host, port: config.http.port, error: error) ?? error
        }
    }
}

/// The database file outside a running gateway: for `alertgate db check` and `db backup`.
extension Gateway {
    /// Read-only: that `path` is an alertgate database this build opens, then
    /// `PRAGMA integrity_check` (`ok` for a sound file). Throws a clear error for a file that is
    /// not SQLite, another program's database, or a newer alertgate's.
    public static func checkDatabase(path: String) throws -> String {
        try SQLiteStore.check(path: path)
    }

    /// An online copy of `path` to `destination` (SQLite's backup API), while alertgate runs or not.
    public static func backupDatabase(path: String, to destination: String) throws {
        try SQLiteStore(path: path).backup(to: destination)
    }

    /// Copies the SQLite database at `path`, read at one moment (alertgate may be running), into
    /// the empty PostgreSQL database at `url`, raw payloads included, in one transaction; returns
    /// the counts compared after (`alertgate db copy`).
    public static func copyDatabase(path: String, to url: String,
                                    progress: @Sendable (DatabaseCopyProgress) -> Void) async throws -> [DatabaseCopyCheck] {
        let snapshot = try SQLiteStore(path: path).portableSnapshot()
        let target = try await PostgresStore.open(url: url)
        do {
            let checks = try await target.importCopy(of: snapshot, progress: progress)
            await target.close()
            return checks
        } catch {
            await target.close()
            throw error
        }
    }
}
