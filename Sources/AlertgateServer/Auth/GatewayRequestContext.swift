import AlertgateCore
import Hummingbird
import HummingbirdAuth
import NIOCore

/// Every request's context: Hummingbird's core, the peer's address (for `/metrics` on
/// loopback), and the token that authenticated it, if any (`TokenAuthenticator`).
public struct GatewayRequestContext: AuthRequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: AuthToken?
    public let remoteAddress: SocketAddress?
    /// On the console's pages (`/ui`): the signed-in session and the form posted (`ConsoleMiddleware`).
    var console: ConsoleRequest?
    /// The connection, to stop reading a body that is refused before it is read.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
        channel = source.channel
    }

    /// Answers this request, then closes the connection without reading the rest of its body:
    /// a refused body is not drained into memory, which a flood of them would fill.
    func closeAfterAnswer() {
        channel.close(mode: .input, promise: nil)
    }

    /// Whether the peer is on this machine.
    var isLoopback: Bool {
        remoteAddress?.ipAddress.map(GatewayConfig.isLoopback) ?? false
    }

    /// Who did it, for the timeline and silences: the token's name when the request has one,
    /// else what the body says (an install without tokens), else nil.
    func actor(claimed: String?) -> String? {
        identity?.name ?? claimed
    }
}
