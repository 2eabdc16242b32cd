import AlertgateCore

/// One syslog message as sent, decoded from its wire format (RFC 5424 or RFC 3164) by
/// `SyslogParser` and turned into a `Signal` by `SyslogCodec`.
///
/// Fields the sender left out (RFC 5424's `-`, or parts a BSD message has no room for) are nil.
public struct SyslogMessage: Hashable, Sendable {
    /// Who logged it (PRI ÷ 8).
    public var facility: SyslogFacility
    /// 0 emergency, 1 alert, 2 critical, 3 error, 4 warning, 5 notice, 6 informational, 7 debug.
    public var severity: Int
    /// 1 for RFC 5424; nil for RFC 3164, which has no version.
    public var version: Int?
    /// When the sender says it happened. RFC 3164 times carry no year and no zone: they are
    /// read as UTC in the year of receipt (or the year before, see `SyslogParser`).
    public var timestamp: Timestamp?
    /// The sending machine, as it names itself.
    public var hostname: String?
    /// RFC 5424's APP-NAME, or the TAG of an RFC 3164 message.
    public var appName: String?
    /// RFC 5424's PROCID, or the `[PID]` after an RFC 3164 TAG.
    public var procID: String?
    /// RFC 5424's MSGID, the type of message; RFC 3164 has none.
    public var msgID: String?
    /// RFC 5424's STRUCTURED-DATA elements in wire order; empty for `-` and for RFC 3164.
    public var structuredData: [SDElement]
    /// The free text, without a leading UTF-8 BOM; invalid UTF-8 is replaced with U+FFFD.
    public var message: String
    /// The wire format it arrived in.
    public var format: Format

    /// A message from its parts; `severity` must be 0...7.
    public init(
        facility: SyslogFacility,
        severity: Int,
        version: Int? = nil,
        timestamp: Timestamp? = nil,
        hostname: String? = nil,
        appName: String? = nil,
        procID: String? = nil,
        msgID: String? = nil,
        structuredData: [SDElement] = [],
        message: String,
        format: Format
    ) {
        self.facility = facility
        self.severity = severity
        self.version = version
        self.timestamp = timestamp
        self.hostname = hostname
        self.appName = appName
        self.procID = procID
        self.msgID = msgID
        self.structuredData = structuredData
        self.message = message
        self.format = format
    }

    /// The PRI value, facility × 8 + severity (0...191).
    public var priority: Int { facility.rawValue * 8 + severity }
}
