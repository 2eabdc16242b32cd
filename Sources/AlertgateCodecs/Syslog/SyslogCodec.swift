import AlertgateCore

/// Syslog datagrams (RFC 5424 and RFC 3164) as log signals.
///
/// The service is the configured mapping of APP-NAME, else of HOSTNAME (`syslog.services`),
/// else the app name, else the host name. The title is the first line of the message;
/// labels carry `host`, `app`, `facility`, `level` (the numeric severity), `procid` and
/// `msgid` when sent, and structured data as `sd.<id>.<name>`, at most 32 labels in all.
/// `Fingerprint.of` then keys the alert on host, app and the masked title, so repeats of
/// one message with other numbers are one alert.
public struct SyslogCodec: Sendable {
    /// The most labels a signal gets; structured data past it is left out.
    public static let maxLabels = 32
    /// The longest title, in UTF-8 bytes; the full text goes to the description.
    public static let maxTitleBytes = 1024
    /// The longest label value taken from structured data, in UTF-8 bytes.
    public static let maxLabelValueBytes = 1024

    /// APP-NAME or HOSTNAME → service.
    public var services: [String: String]

    /// `services` maps APP-NAME or HOSTNAME to a service (config `syslog.services`).
    public init(services: [String: String] = [:]) {
        self.services = services
    }

    /// Parses one datagram and turns it into a signal.
    public func decode(_ datagram: [UInt8], receivedAt: Timestamp) throws(CodecError) -> Signal {
        signal(from: try SyslogParser.parse(datagram, receivedAt: receivedAt))
    }

    /// The log signal for a parsed message.
    public func signal(from message: SyslogMessage) -> Signal {
        let service = message.appName.flatMap { services[$0] } ?? message.hostname.flatMap { services[$0] }
            ?? message.appName ?? message.hostname ?? "unknown"
        // By Unicode scalars, not Characters: the same cuts for log text, without grapheme breaking.
        let text = Self.trimmed(message.message[...])
        var title = Self.prefix(Self.trimmed(Self.firstLine(of: text)), maxBytes: Self.maxTitleBytes)
        while title.unicodeScalars.last?.properties.isWhitespace == true { title.unicodeScalars.removeLast() }
        if title.isEmpty { title = "\(message.appName ?? message.hostname ?? "unknown") syslog message" }
        // The full text, when the title does not already say all of it.
        let description = text.isEmpty || Self.sameBytes(text, title) ? nil : message.message

        var labels = [
            "host": message.hostname ?? "-",
            "app": message.appName ?? "-",
            "facility": message.facility.name,
            "level": String(message.severity),
        ]
        if let procID = message.procID { labels["procid"] = procID }
        if let msgID = message.msgID { labels["msgid"] = msgID }
        for element in message.structuredData {
            for param in element.params where labels.count < Self.maxLabels {
                let name = "sd.\(element.id).\(param.name)"
                if labels[name] == nil { labels[name] = Self.prefix(param.value[...], maxBytes: Self.maxLabelValueBytes) }
            }
        }
        return Signal(
            kind: .log, source: .syslog, status: .firing, service: service, title: title, description: description,
            severity: Self.severity(level: message.severity), labels: labels, occurredAt: message.timestamp,
            sender: message.hostname)
    }

    /// The severity (0 emergency … 7 debug) in the PRI at the start of a datagram, reading
    /// only the first few bytes; nil when it does not start with a valid `<PRI>`. Lets a
    /// listener count and drop messages above `logs.maxLevel` without parsing them.
    public static func level(of datagram: [UInt8]) -> Int? {
        SyslogParser.severity(of: datagram)
    }

    /// Syslog severities: 0–2 critical, 3 error, 4 warning, 5–7 info.
    public static func severity(level: Int) -> Severity {
        Severity(syslogLevel: level)
    }

    /// Whether two texts are the same UTF-8 bytes: compared as contiguous buffers when they
    /// are (native strings are), which is several times faster than iterating their views.
    static func sameBytes(_ text: Substring, _ other: String) -> Bool {
        guard text.utf8.count == other.utf8.count else { return false }
        let contiguous = text.utf8.withContiguousStorageIfAvailable { a in
            other.utf8.withContiguousStorageIfAvailable { b in a.elementsEqual(b) }
        }
        return (contiguous ?? nil) ?? text.utf8.elementsEqual(other.utf8)
    }

    /// The text without whitespace (Unicode's) at either end.
    static func trimmed(_ text: Substring) -> Substring {
        var scalars = text.unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return Substring(scalars)
    }

    /// The text up to its first line break (LF, CR, VT, FF, NEL, LS or PS), found by bytes:
    /// in the contiguous buffer when there is one (a native string), else through the view.
    static func firstLine(of text: Substring) -> Substring {
        let found = text.utf8.withContiguousStorageIfAvailable { bytes -> Int? in
            var offset = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte < 0x80 {
                    if (0x0A...0x0D).contains(byte) { return offset }
                } else if byte == 0xC2, offset + 1 < bytes.count, bytes[offset + 1] == 0x85 {
                    return offset
                } else if byte == 0xE2, offset + 2 < bytes.count, bytes[offset + 1] == 0x80, bytes[offset + 2] == 0xA8 || bytes[offset + 2] == 0xA9 {
                    return offset
                }
                offset += 1
            }
            return nil
        }
        switch found {
        case .some(.some(let offset)): return text[..<text.utf8.index(text.utf8.startIndex, offsetBy: offset)]
        case .some(.none): return text
        case .none: return firstLineByView(of: text)
        }
    }

    private static func firstLineByView(of text: Substring) -> Substring {
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x80 {
                if (0x0A...0x0D).contains(byte) { return text[..<index] }
            } else if byte == 0xC2 || byte == 0xE2 {
                // NEL is C2 85; LS and PS are E2 80 A8 and E2 80 A9.
                let rest = utf8[index...].dropFirst()
                if byte == 0xC2, rest.first == 0x85 { return text[..<index] }
                if byte == 0xE2, rest.first == 0x80, let third = rest.dropFirst().first, third == 0xA8 || third == 0xA9 { return text[..<index] }
            }
            utf8.formIndex(after: &index)
        }
        return text
    }

    /// At most `maxBytes` of UTF-8, cut between Unicode scalars.
    static func prefix(_ text: Substring, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return String(text) }
        var scalars = String.UnicodeScalarView()
        var bytes = 0
        for scalar in text.unicodeScalars {
            bytes += UTF8.width(scalar)
            guard bytes <= maxBytes else { break }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}
