import AlertgateCore

/// Parses one syslog datagram (one message, RFC 5426) into a `SyslogMessage`. Pure: no I/O,
/// no clock; the time of receipt comes in as a value.
///
/// A datagram whose PRI is followed by `1 ` is RFC 5424; anything else is RFC 3164 (BSD),
/// with or without a timestamp, a hostname and a TAG. Trailing newlines and NULs are
/// ignored; datagrams over 64 KiB are refused. Every error names the part to fix (`pri`,
/// `timestamp`, `hostname`, `app_name`, `procid`, `msgid`, `structured_data`, `datagram`).
public enum SyslogParser {
    /// The largest datagram accepted (UDP's own limit, near enough).
    public static let maxDatagramBytes = 64 * 1024

    /// Parses `datagram`; `receivedAt` supplies the year RFC 3164 timestamps leave out.
    public static func parse(_ datagram: [UInt8], receivedAt: Timestamp) throws(CodecError) -> SyslogMessage {
        guard datagram.count <= maxDatagramBytes else { throw .tooLong("datagram", limit: maxDatagramBytes) }
        var scanner = SyslogScanner(trimmedEnd(datagram))
        let priority = try priority(&scanner)
        let facility = SyslogFacility(rawValue: priority / 8)!
        if scanner.skip(Array("1 ".utf8)) {
            return try rfc5424(&scanner, facility: facility, severity: priority % 8)
        }
        return try rfc3164(&scanner, facility: facility, severity: priority % 8, receivedAt: receivedAt)
    }

    /// The datagram without the newlines and NULs some senders end it with.
    static func trimmedEnd(_ datagram: [UInt8]) -> ArraySlice<UInt8> {
        var end = datagram.endIndex
        while end > datagram.startIndex, [0x0A, 0x0D, 0x00].contains(datagram[end - 1]) { end -= 1 }
        return datagram[..<end]
    }

    /// The severity (0...7) in the PRI at the start of `datagram`, reading nothing else;
    /// nil if the datagram does not start with a valid `<PRI>`.
    static func severity(of datagram: [UInt8]) -> Int? {
        var scanner = SyslogScanner(datagram.prefix(5))
        guard let priority = try? priority(&scanner) else { return nil }
        return priority % 8
    }

    /// Reads `<PRI>`: one to three digits, 0...191.
    static func priority(_ scanner: inout SyslogScanner) throws(CodecError) -> Int {
        guard !scanner.isAtEnd else { throw .missing("pri") }
        guard scanner.skip(UInt8(ascii: "<")) else {
            throw .invalidValue("pri", "must open the message as <PRI>, e.g. <13>")
        }
        let digits = scanner.take(while: SyslogScanner.isDigit)
        guard (1...3).contains(digits.count), let value = SyslogScanner.number(digits) else {
            throw .invalidValue("pri", "must be 1 to 3 digits between < and >")
        }
        guard scanner.skip(UInt8(ascii: ">")) else { throw .invalidValue("pri", "must be closed with >") }
        guard value <= 191 else { throw .invalidValue("pri", "must be 0..191 (facility × 8 + severity), got \(value)") }
        return value
    }
}
