import AlertgateCore

extension SyslogCodec {
    /// What makes a log line a repeat of another: its fingerprint's hash and its severity.
    public struct RepeatKey: Hashable, Sendable {
        /// `Fingerprint.logHash`: `hex16` of it is the fingerprint `decode` gives.
        public var hash: UInt64
        /// The syslog severity, 0...7.
        public var level: Int
    }

    /// The repeat key of a datagram, read from its bytes without decoding it into a signal:
    /// what lets a UDP listener count a flood of one line at the cost of a header scan.
    ///
    /// Given only when it is exactly what `decode` would give: an RFC 5424 message that
    /// `decode` accepts (every header field checked as it checks them), without structured
    /// data, whose first line is US-ASCII of at most `maxTitleBytes`. Anything else
    /// (RFC 3164, structured data, other text) is nil, and the caller decodes it.
    public static func repeatKey(of datagram: [UInt8]) -> RepeatKey? {
        guard datagram.count <= SyslogParser.maxDatagramBytes else { return nil }
        var scanner = SyslogScanner(SyslogParser.trimmedEnd(datagram))
        guard let priority = try? SyslogParser.priority(&scanner), scanner.skip(Array("1 ".utf8)) else { return nil }
        do {
            _ = try SyslogParser.rfc5424Timestamp(&scanner)
            let host = try SyslogParser.headerBytes(&scanner, "hostname", limit: 255)
            let app = try SyslogParser.headerBytes(&scanner, "app_name", limit: 48)
            _ = try SyslogParser.headerBytes(&scanner, "procid", limit: 128)
            _ = try SyslogParser.headerBytes(&scanner, "msgid", limit: 32)
            guard scanner.skip(SyslogScanner.space), scanner.skip(UInt8(ascii: "-")) else { return nil }
            guard scanner.isAtEnd || scanner.skip(SyslogScanner.space) else { return nil }
            let hash = scanner.rest.withUnsafeBufferPointer { text -> UInt64? in
                guard let title = asciiTitle(text) else { return nil }
                return Fingerprint.logHash(app: app, host: host, title: title)
            }
            return hash.map { RepeatKey(hash: $0, level: priority % 8) }
        } catch {
            return nil
        }
    }

    /// The title `signal(from:)` takes from a text whose first line is ASCII: that line,
    /// without whitespace at either end. Nil when the first line holds any other byte (Unicode
    /// whitespace and line breaks are not all ASCII), or the title would be empty (it is made
    /// up then) or longer than `maxTitleBytes` (it is cut then). What follows the first line
    /// break does not change the title.
    static func asciiTitle(_ text: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        // Unicode's whitespace within ASCII: tab, the line breaks (LF, VT, FF, CR) and space.
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
        var start = 0
        // Leading whitespace, line breaks included, goes before the first line is taken.
        while start < text.count, isSpace(text[start]) { start += 1 }
        var end = start
        while end < text.count {
            let byte = text[end]
            if byte >= 0x80 { return nil }
            if byte >= 0x0A && byte <= 0x0D { break }
            end += 1
        }
        while end > start, isSpace(text[end - 1]) { end -= 1 }
        guard end > start, end - start <= maxTitleBytes else { return nil }
        return UnsafeBufferPointer(rebasing: text[start..<end])
    }
}
