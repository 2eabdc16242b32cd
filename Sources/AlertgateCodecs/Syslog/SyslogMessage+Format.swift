extension SyslogMessage {
    /// Which syslog wire format a datagram was written in.
    public enum Format: String, Hashable, Sendable {
        /// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]` (RFC 5424).
        case rfc5424
        /// The BSD format, `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG` (RFC 3164), and its
        /// common variants without a hostname or a timestamp.
        case rfc3164
    }
}
