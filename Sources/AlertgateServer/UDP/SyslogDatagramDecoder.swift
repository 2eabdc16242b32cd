import AlertgateCodecs
import AlertgateCore

/// Syslog, RFC 5424 and RFC 3164, one message a datagram. Messages less severe than
/// `logs.max_level` are counted and dropped from their PRI alone, before any parsing.
struct SyslogDatagramDecoder: DatagramDecoder {
    let name = "syslog"
    let source = SignalSource.syslog
    let contentType = "text/plain; charset=utf-8"
    let codec: SyslogCodec
    let maxLevel: Int

    func decode(_ datagram: [UInt8], at now: Timestamp) -> DatagramOutcome {
        if let level = SyslogCodec.level(of: datagram), level > maxLevel { return .dropped(.level) }
        guard let signal = try? codec.decode(datagram, receivedAt: now) else { return .dropped(.invalid) }
        return .signal(stored: datagram, signal)
    }

    /// RFC 5424 lines in plain ASCII, at or under `maxLevel`: most of what a flood is made of.
    func repeatKey(_ datagram: [UInt8]) -> ReceiptFolding.Key? {
        guard let key = SyslogCodec.repeatKey(of: datagram), key.level <= maxLevel else { return nil }
        return ReceiptFolding.Key(hash: key.hash, severity: SyslogCodec.severity(level: key.level))
    }

    var storedDecoder: @Sendable (_ stored: [UInt8], _ at: Timestamp) -> Signal? {
        { [codec] stored, now in try? codec.decode(stored, receivedAt: now) }
    }
}
