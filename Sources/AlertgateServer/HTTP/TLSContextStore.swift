import AlertgateCore
import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import Synchronization

/// The TLS context new connections are served with, read from `http.tls`'s certificate and
/// key files at start and again on every reload (SIGHUP), so a renewed certificate is taken
/// without a restart. Connections already open keep the context they began with.
final class TLSContextStore: Sendable {
    let settings: GatewayConfig.TLS
    private let context: Mutex<NIOSSLContext>

    init(settings: GatewayConfig.TLS) throws(ConfigError) {
        self.settings = settings
        context = Mutex(try Self.load(settings))
    }

    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the files again; on failure the context in force stays.
    func reload() throws(ConfigError) {
        let fresh = try Self.load(settings)
        context.withLock { $0 = fresh }
    }

    private static func load(_ settings: GatewayConfig.TLS) throws(ConfigError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(settings.certFile)
        } catch {
            throw ConfigError(key: "http.tls.cert_file", message: "cannot read a PEM certificate from \(settings.certFile): \(error)")
        }
        guard !chain.isEmpty else { throw ConfigError(key: "http.tls.cert_file", message: "\(settings.certFile) holds no PEM certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: settings.keyFile, format: .pem)
        } catch {
            throw ConfigError(key: "http.tls.key_file", message: "cannot read a PEM private key from \(settings.keyFile): \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigError(key: "http.tls", message: "the certificate and key do not make a TLS context (do they belong together?): \(error)")
        }
    }
}

/// An HTTP child channel behind TLS, with the context `TLSContextStore` holds when the
/// connection opens (HummingbirdTLS's `TLSChannel` fixes one context for the server's life).
struct ReloadableTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let contexts: TLSContextStore

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: contexts.current))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
