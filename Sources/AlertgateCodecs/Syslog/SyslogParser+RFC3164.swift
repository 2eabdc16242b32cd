import AlertgateCore

extension SyslogParser {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    static let maxDays = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

    /// RFC 3164 after `<PRI>`: `[TIMESTAMP [HOSTNAME ]][TAG[[PID]]: ]MSG`.
    ///
    /// The timestamp is `Mmm dd hh:mm:ss` (or, as rsyslog forwards, an RFC 3339 time); when
    /// there is none, neither is there a hostname. After a timestamp, the first word is the
    /// hostname unless it reads as a TAG (`name:` or `name[pid]:`). A TAG is up to 48
    /// characters; text that does not read as one is all message.
    static func rfc3164(
        _ scanner: inout SyslogScanner, facility: SyslogFacility, severity: Int, receivedAt: Timestamp
    ) throws(CodecError) -> SyslogMessage {
        var timestamp: Timestamp?
        var hostname: String?
        let hasTimestamp: Bool
        if startsWithMonth(scanner.rest) {
            timestamp = try bsdTimestamp(&scanner, receivedAt: receivedAt)
            hasTimestamp = true
        } else if startsWithYear(scanner.rest) {
            let text = String(decoding: scanner.token().prefix(64), as: UTF8.self)
            guard let time = RFC3339.parse(text) else {
                throw .invalidValue("timestamp", "must be Mmm dd hh:mm:ss or an RFC 3339 time, got \"\(text)\"")
            }
            timestamp = time
            hasTimestamp = true
        } else {
            hasTimestamp = false
        }
        if hasTimestamp, !scanner.isAtEnd {
            guard scanner.skip(SyslogScanner.space) else { throw .invalidValue("timestamp", "must be followed by a space") }
            var trial = scanner
            if tag(&trial) == nil {
                var word = scanner
                let token = word.token()
                if !token.isEmpty, token.allSatisfy(SyslogScanner.isPrintable) {
                    guard token.count <= 255 else { throw .tooLong("hostname", limit: 255) }
                    hostname = String(decoding: token, as: UTF8.self)
                    scanner = word
                    _ = scanner.skip(SyslogScanner.space)
                }
            }
        }
        let tag = tag(&scanner)
        return SyslogMessage(
            facility: facility, severity: severity, timestamp: timestamp, hostname: hostname,
            appName: tag?.name, procID: tag?.pid, message: SyslogScanner.text(scanner.rest), format: .rfc3164)
    }

    /// Reads `TAG: ` or `TAG[PID]: ` (the colon may also end the datagram); leaves the scanner
    /// where it was and answers nil when the text does not start with one.
    static func tag(_ scanner: inout SyslogScanner) -> (name: String, pid: String?)? {
        var trial = scanner
        let name = trial.take(while: { SyslogScanner.isPrintable($0) && $0 != UInt8(ascii: "[") && $0 != UInt8(ascii: ":") })
        guard (1...48).contains(name.count) else { return nil }
        var pid: String?
        if trial.skip(UInt8(ascii: "[")) {
            let digits = trial.take(while: { SyslogScanner.isPrintable($0) && $0 != UInt8(ascii: "]") })
            guard (1...128).contains(digits.count), trial.skip(UInt8(ascii: "]")) else { return nil }
            pid = String(decoding: digits, as: UTF8.self)
        }
        guard trial.skip(UInt8(ascii: ":")), trial.isAtEnd || trial.skip(SyslogScanner.space) else { return nil }
        scanner = trial
        return (String(decoding: name, as: UTF8.self), pid)
    }

    /// Whether the text starts with a month abbreviation and a space, committing it to be a timestamp.
    static func startsWithMonth(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 4, bytes[bytes.startIndex + 3] == SyslogScanner.space else { return false }
        return months.contains(String(decoding: bytes.prefix(3), as: UTF8.self).lowercased())
    }

    /// Whether the text starts like an RFC 3339 date (`dddd-`).
    static func startsWithYear(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.count >= 5 && bytes.prefix(4).allSatisfy(SyslogScanner.isDigit) && bytes[bytes.startIndex + 4] == UInt8(ascii: "-")
    }

    /// `Mmm dd hh:mm:ss`, the day padded with a space (a zero is accepted too). It has no
    /// year and no zone: read as UTC in the year of `receivedAt`, or the year before when
    /// that would put it more than a day after `receivedAt` (a December message received in
    /// January). Nil if `receivedAt` is outside the years 1...9999.
    static func bsdTimestamp(_ scanner: inout SyslogScanner, receivedAt: Timestamp) throws(CodecError) -> Timestamp? {
        let expectation = "must be Mmm dd hh:mm:ss, e.g. \"Oct  9 22:14:15\""
        guard let bytes = scanner.take(15).map(Array.init) else { throw .invalidValue("timestamp", expectation) }
        let month = months.firstIndex(of: String(decoding: bytes[0..<3], as: UTF8.self).lowercased())! + 1
        let dayDigits = bytes[4] == SyslogScanner.space ? bytes[5...5] : bytes[4...5]
        guard bytes[3] == SyslogScanner.space, bytes[6] == SyslogScanner.space,
              bytes[9] == UInt8(ascii: ":"), bytes[12] == UInt8(ascii: ":"),
              let day = SyslogScanner.number(dayDigits), let hour = SyslogScanner.number(bytes[7...8]),
              let minute = SyslogScanner.number(bytes[10...11]), let second = SyslogScanner.number(bytes[13...14])
        else { throw .invalidValue("timestamp", expectation) }
        guard (1...maxDays[month - 1]).contains(day), hour < 24, minute < 60, second < 61 else {
            throw .invalidValue("timestamp", "\(expectation); \"\(String(decoding: bytes, as: UTF8.self))\" is not a valid time")
        }
        let received = RFC3339.format(receivedAt)
        guard received.dropFirst(4).first == "-", let year = Int(received.prefix(4)), year >= 1 else { return nil }
        func time(_ year: Int) -> Timestamp? {
            func pad(_ value: Int, _ width: Int) -> String {
                let text = String(value)
                return String(repeating: "0", count: max(0, width - text.count)) + text
            }
            return RFC3339.parse("\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z")
        }
        guard let thisYear = time(year) else { return nil }
        if thisYear > receivedAt + .seconds(86_400), year > 1 { return time(year - 1) }
        return thisYear
    }
}
