import Foundation
import AlertgateCore
import Logging
import ServiceLifecycle
import UnixSignals
import Synchronization

/// Reloads the catalog, the rules and the config's silences from the config file, on SIGHUP
/// and on `POST /api/v1/admin/reload`, without touching alerts, incidents or API silences.
/// A file that does not load is refused with its key named and the rules in force stay.
/// Settings that need a restart (ports, storage, windows) are read but not applied.
public final class Reloader: Service, Sendable {
    public enum Outcome: Sendable {
        case reloaded(version: Int)
        case refused(ConfigError)
        case noConfigFile
    }

    let configPath: String?
    let base: GatewayConfig
    let book: PolicyBook
    let silences: SilenceService
    /// HTTPS's certificate and key, read again on every reload.
    let tls: TLSContextStore?
    let metrics: GatewayMetrics
    let logger: Logger
    /// The config file last loaded, secrets redacted, for `/api/v2/status`.
    private let shownConfig = Mutex("")
    /// Asks the other gateways on the same database to reload too (`storage.writers: all`),
    /// after a reload asked of this one succeeded.
    let announce: (@Sendable () async throws -> Void)?
    /// Told after a reload replaced the policy (the heartbeats take their declarations).
    let reloaded: (@Sendable () -> Void)?
    /// The trigger of a reload another gateway asked for, which is not announced again.
    static let byAnotherGateway = "another gateway"

    init(configPath: String?, base: GatewayConfig, book: PolicyBook, silences: SilenceService, tls: TLSContextStore? = nil, metrics: GatewayMetrics,
         logger: Logger, announce: (@Sendable () async throws -> Void)? = nil, reloaded: (@Sendable () -> Void)? = nil) {
        self.announce = announce
        self.reloaded = reloaded
        self.configPath = configPath
        self.base = base
        self.book = book
        self.silences = silences
        self.tls = tls
        shownConfig.withLock { $0 = Self.redactedFile(configPath) }
        self.metrics = metrics
        self.logger = logger
    }

    /// Listens for SIGHUP until the gateway stops.
    public func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                _ = await self.reload(trigger: "SIGHUP")
            }
        }
    }

    /// The config file in force, with every secret replaced by `<secret>` (`ConfigRedaction`).
    var redactedConfig: String { shownConfig.withLock { $0 } }

    private static func redactedFile(_ path: String?) -> String {
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "" }
        return ConfigRedaction.redact(text) ?? "# the config file does not parse as YAML; not shown\n"
    }

    public func reload(trigger: String) async -> Outcome {
        if let tls {
            do {
                try tls.reload()
                logger.notice("TLS certificate reloaded", metadata: ["trigger": "\(trigger)", "cert_file": "\(tls.settings.certFile)"])
            } catch {
                metrics.reloaded("failure")
                logger.error("TLS certificate reload refused; the one in force stays", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
                return .refused(error)
            }
        }
        guard let configPath else {
            logger.notice("config reload asked, but alertgate runs without a config file", metadata: ["trigger": "\(trigger)"])
            return .noConfigFile
        }
        do {
            // Rules the file no longer has go: the policy starts from the defaults.
            var start = base
            start.policy = Policy()
            let loaded = try ConfigLoader.load(path: configPath, into: start)
            try await silences.store.syncConfigSilences(loaded.policy.silences, now: silences.clock.now())
            book.replace(policy: loaded.policy)
            reloaded?()
            shownConfig.withLock { $0 = Self.redactedFile(configPath) }
            try await silences.refresh()
            metrics.reloaded("success")
            let policy = loaded.policy
            logger.notice("config reloaded", metadata: [
                "trigger": "\(trigger)", "path": "\(configPath)", "services": "\(policy.catalog.services.count)",
                "inhibit_rules": "\(policy.correlation.inhibitRules.count)", "maintenance": "\(policy.maintenance.count)",
                "silences": "\(book.current.silences.count)",
            ])
            if let announce, trigger != Self.byAnotherGateway {
                do {
                    try await announce()
                } catch {
                    logger.error("config reloaded here, but the other gateways could not be asked to reload", metadata: ["error": "\(error)"])
                }
            }
            return .reloaded(version: book.version)
        } catch {
            metrics.reloaded("failure")
            let failure = error as? ConfigError ?? ConfigError(key: "(file)", message: "\(error)")
            logger.error("config reload refused; the rules in force stay", metadata: ["trigger": "\(trigger)", "error": "\(failure)"])
            return .refused(failure)
        }
    }
}
