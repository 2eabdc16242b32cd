import AlertgateCore

/// The webhook read straight from the bytes, without a `JSONValue` tree of the body.
///
/// The top level is taken when it is plain: an object whose `version` (Alertmanager's),
/// `receiver` and `alerts` are each given once, the first two strings within their limits
/// (or null), `alerts` an array. Each alert goes through `AlertmanagerAlertScanner`, its own
/// members (`ScannedWebhookMembers`) alongside; an alert the scanner does not take as it is
/// is parsed on its own from its bytes and read as before. A top level that is not plain
/// (an error to report, mostly) makes `decode` read the whole body as before. Either way the
/// JSON of the whole body is checked first, so a body is refused as it was.
extension AlertmanagerWebhookCodec {
    /// One alert of `alerts`, as far as the direct reading went.
    private enum Item {
        case scanned(AlertmanagerAlert, ScannedWebhookMembers)
        case parsed(JSONValue)
    }

    /// What the top level holds, when it is plain.
    private struct TopLevel {
        var version: String?
        var receiver: String?
        var items: [Item]?
        var count = 0
    }

    private enum Member: UInt8 {
        case version, receiver, alerts
    }

    /// The decoded body, or nil when its top level is not plain (but valid JSON).
    func decodeDirect(_ body: [UInt8], receivedAt: Timestamp) throws(CodecError) -> DecodedBatch? {
        let read = try body.withUnsafeBufferPointer { bytes throws(CodecError) in
            try JSONCursor.read(bytes, maxDepth: JSONValue.maxDepth) { cursor throws(CodecError) in try topLevel(&cursor) }
        }
        guard let top = read else { return nil }
        if let version = top.version { try Self.check(version: version) }
        guard let items = top.items else { throw .missing("alerts") }
        try Self.check(count: top.count)
        var batch = DecodedBatch()
        for (index, item) in items.enumerated() {
            do throws(CodecError) {
                let signal = switch item {
                case .scanned(let alert, let members): try signal(alert, members: members, receiver: top.receiver, receivedAt: receivedAt)
                case .parsed(let value): try signal(from: value, index: index, receiver: top.receiver, receivedAt: receivedAt)
                }
                batch.signals.append((index, signal))
            } catch {
                batch.errors.append(error.at(index))
            }
        }
        return batch
    }

    private func topLevel(_ cursor: inout JSONCursor) throws(CodecError) -> TopLevel? {
        var top = TopLevel()
        let sender = sender
        let plain = try cursor.plainObject(member: { name, cursor in
            let member: Member? = if cursor.matches(name, "alerts") {
                .alerts
            } else if cursor.matches(name, "receiver") {
                .receiver
            } else if sender == .alertmanager, cursor.matches(name, "version") {
                .version
            } else {
                nil
            }
            return member?.rawValue
        }) { cursor, _, bit throws(CodecError) in
            switch bit.flatMap(Member.init(rawValue:)) {
            case nil:
                try cursor.skipValue()
                return true
            case .version: return try Self.string(&cursor, into: &top.version, maxBytes: 16)
            case .receiver: return try Self.string(&cursor, into: &top.receiver, maxBytes: 1024)
            case .alerts:
                guard cursor.next == UInt8(ascii: "[") else {
                    try cursor.skipValue()
                    return false
                }
                top.items = try alerts(&cursor, count: &top.count)
                return true
            }
        }
        return plain == true ? top : nil
    }

    /// A string within `maxBytes`, or null.
    private static func string(_ cursor: inout JSONCursor, into value: inout String?, maxBytes: Int) throws(CodecError) -> Bool {
        let (plain, text) = try cursor.plainString(maxBytes: maxBytes)
        value = text
        return plain
    }

    /// The array of alerts at the cursor; past `maxAlerts` they are only checked and counted.
    private func alerts(_ cursor: inout JSONCursor, count: inout Int) throws(CodecError) -> [Item] {
        var items: [Item] = []
        var scanner = AlertmanagerAlertScanner()
        let grafana = sender == .grafana
        try cursor.array { cursor throws(CodecError) in
            let index = count
            count += 1
            guard index < Self.maxAlerts else { return try cursor.skipValue() }
            let start = cursor.position
            var members = ScannedWebhookMembers(index: index)
            var seen: UInt8 = 0
            let alert = try scanner.read(&cursor) { cursor, name throws(CodecError) in
                guard let member = ScannedWebhookMembers.member(name, cursor, grafana: grafana) else {
                    try cursor.skipValue()
                    return true
                }
                guard seen & 1 << member.rawValue == 0 else {
                    try cursor.skipValue()
                    return false
                }
                seen |= 1 << member.rawValue
                // Any length: `signal` checks each member's limit as the parsed path does.
                return try Self.string(&cursor, into: &members[keyPath: member.path], maxBytes: .max)
            }
            if let alert {
                items.append(.scanned(alert, members))
            } else {
                // Valid JSON by now, so only the reader can refuse it.
                items.append(.parsed(try JSONParser.parse(cursor.bytes(from: start), maxDepth: JSONValue.maxDepth)))
            }
        }
        return items
    }
}
