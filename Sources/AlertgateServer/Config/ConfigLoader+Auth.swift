import AlertgateCore

/// `auth.tokens` (reloaded with the rules, so a token is revoked without a restart):
///
/// ```yaml
/// auth:
///   tokens:
///     - {name: prometheus, sha256: "<64 hex digits>", scopes: [ingest]}   # ingest, read, write, admin
/// ```
extension ConfigLoader {
    /// `auth: {tokens: [...]}`.
    static func tokens(_ value: Any) throws -> [AuthToken] {
        var tokens: [AuthToken] = []
        for (name, item) in try section(value, "auth") {
            switch name {
            case "tokens": tokens = try list(item, "auth.tokens").enumerated().map { try token($1, "auth.tokens[\($0)]") }
            default: throw unknown("auth.\(name)")
            }
        }
        return tokens
    }

    /// `{rate: 100, burst: 200}` (requests per second, and at once; burst defaults to twice the
    /// rate), or `off`.
    static func rateLimit(_ value: Any, _ key: String) throws -> GatewayConfig.RateLimit? {
        if (value as? String) == "off" || (value as? Bool) == false { return nil }
        var rate: Double?
        var burst: Double?
        for (field, item) in try section(value, key) {
            let number = (item as? Double) ?? (item as? Int).map(Double.init)
            guard let number, number > 0, number.isFinite else { throw ConfigError(key: "\(key).\(field)", message: "must be a positive number") }
            switch field {
            case "rate": rate = number
            case "burst": burst = number
            default: throw unknown("\(key).\(field)")
            }
        }
        guard let rate else { throw ConfigError(key: "\(key).rate", message: "a rate limit needs a rate (requests per second)") }
        return GatewayConfig.RateLimit(rate: rate, burst: burst ?? rate * 2)
    }

    static func token(_ value: Any, _ key: String) throws -> AuthToken {
        var name: String?
        var hash: String?
        var scopes: Set<AuthScope> = []
        for (field, item) in try section(value, key) {
            switch field {
            case "name": name = try string(item, "\(key).name")
            case "sha256":
                let text = try string(item, "\(key).sha256").lowercased()
                guard text.count == 64, text.allSatisfy(\.isHexDigit) else {
                    throw ConfigError(key: "\(key).sha256", message: "must be the 64 hex digits of the token's SHA-256 (alertgate token create prints it), not the token")
                }
                hash = text
            case "scopes":
                scopes = Set(try strings(item, "\(key).scopes").enumerated().map { index, text in
                    try enumValue(AuthScope.self, text, "\(key).scopes[\(index)]")
                })
            default: throw unknown("\(key).\(field)")
            }
        }
        guard let name, !name.isEmpty else { throw ConfigError(key: "\(key).name", message: "a token needs a name") }
        guard let hash else { throw ConfigError(key: "\(key).sha256", message: "a token needs its sha256") }
        guard !scopes.isEmpty else { throw ConfigError(key: "\(key).scopes", message: "a token needs at least one of ingest, read, write, admin") }
        return AuthToken(name: name, sha256: hash, scopes: scopes)
    }
}
