import Foundation
import Yams

/// The config file as a dump may show it: every secret replaced by `<secret>`. Alertmanager's
/// `/api/v2/status` answers its config the same way, and `amtool config show` prints it.
///
/// Secrets are the values of `secret`, `sha256`, `routing_key`, `password` and `token`
/// anywhere, every value of a `headers` map, Slack receivers' webhook URLs, the routing keys
/// that name `pagerduty.integrations`, and the user and password part of any URL.
enum ConfigRedaction {
    static let placeholder = "<secret>"
    static let secretKeys: Set<String> = ["secret", "sha256", "routing_key", "password", "token"]

    /// `yaml` with its secrets replaced; nil when it does not parse (then nothing is shown).
    static func redact(_ yaml: String) -> String? {
        guard let node = try? Yams.compose(yaml: yaml) else { return yaml.isEmpty ? "" : nil }
        return try? Yams.serialize(node: redact(node, key: nil, parentKey: nil))
    }

    private static func redact(_ node: Node, key: String?, parentKey: String?) -> Node {
        switch node {
        case .scalar(let scalar):
            if let key, secretKeys.contains(key) || parentKey == "headers" || (key == "url" && parentKey == "slack") {
                return .scalar(.init(placeholder))
            }
            return .scalar(.init(withoutUserInfo(scalar.string), scalar.tag, scalar.style))
        case .mapping(let mapping):
            var pairs: [(Node, Node)] = []
            for (index, pair) in mapping.enumerated() {
                let name = pair.key.string
                // The keys of `pagerduty.integrations` are routing keys themselves.
                let shownKey: Node = key == "integrations" && parentKey == "pagerduty" ? .scalar(.init("\(placeholder)-\(index + 1)")) : pair.key
                pairs.append((shownKey, redact(pair.value, key: name, parentKey: key)))
            }
            return .mapping(.init(pairs, mapping.tag, mapping.style))
        case .sequence(let sequence):
            return .sequence(.init(sequence.map { redact($0, key: key, parentKey: parentKey) }, sequence.tag, sequence.style))
        case .alias:
            return node
        }
    }

    /// `https://user:password@host/...` without `user:password@`.
    private static func withoutUserInfo(_ text: String) -> String {
        guard text.contains("://"), text.contains("@"), var components = URLComponents(string: text),
              components.user != nil || components.password != nil else { return text }
        components.user = nil
        components.password = nil
        return components.string ?? placeholder
    }
}
