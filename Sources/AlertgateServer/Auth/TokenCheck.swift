import AlertgateCore
import Crypto
import Foundation

/// Tokens as presented and as stored: the config keeps only each token's SHA-256, and a
/// presented token is hashed and compared with every stored hash in constant time, so neither
/// the answer's time nor its content tells how much of a guess was right.
public enum TokenCheck {
    /// The SHA-256 of `token`, in lowercase hex.
    static func sha256(_ token: String) -> String {
        Hex.string(SHA256.hash(data: Array(token.utf8)))
    }

    /// The configured token `presented` is, if any. Every stored hash is compared, whichever matches.
    static func identify(_ presented: String, among tokens: [AuthToken]) -> AuthToken? {
        let digest = Array(sha256(presented).utf8)
        var found: AuthToken?
        for token in tokens where constantTimeEqual(digest, Array(token.sha256.utf8)) && found == nil {
            found = token
        }
        return found
    }

    /// Equal bytes, compared without an early exit.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// A new random token (32 bytes, `agt_` and base64url) and its config entry.
    public static func make(name: String, scopes: [AuthScope]) -> (token: String, configLine: String) {
        let token = "agt_" + randomText()
        let line = "- {name: \(name), sha256: \"\(sha256(token))\", scopes: [\(scopes.map(\.rawValue).joined(separator: ", "))]}"
        return (token, line)
    }

    /// 32 random bytes in RFC 4648's URL alphabet: a token, a console session or a CSRF token.
    static func randomText() -> String {
        base64URL(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    /// RFC 4648's URL alphabet, unpadded: a token that goes in a URL query as it is.
    private static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
