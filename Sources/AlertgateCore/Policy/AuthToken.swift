/// What a token may do. Each route asks for one scope; `admin` holds them all.
public enum AuthScope: String, CaseIterable, Hashable, Sendable {
    /// Send signals: every ingest path.
    case ingest
    /// Read incidents, alerts, signals, payloads, stats, silences, metrics.
    case read
    /// Act: lifecycle actions, notes, updates, edits, silences.
    case write
    /// Reload the config, and everything else.
    case admin
}

/// An API token as the config keeps it: its name (which becomes the `by` of what it does),
/// the SHA-256 of the token in hex (the token itself is never stored), and its scopes.
public struct AuthToken: Hashable, Sendable {
    public var name: String
    /// 64 lowercase hex digits.
    public var sha256: String
    public var scopes: Set<AuthScope>

    public init(name: String, sha256: String, scopes: Set<AuthScope>) {
        self.name = name
        self.sha256 = sha256.lowercased()
        self.scopes = scopes
    }

    public func allows(_ scope: AuthScope) -> Bool {
        scopes.contains(scope) || scopes.contains(.admin)
    }
}
