import AlertgateCore

extension SyslogParser {
    /// RFC 5424 after `<PRI>1 `: `TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`.
    static func rfc5424(_ scanner: inout SyslogScanner, facility: SyslogFacility, severity: Int) throws(CodecError) -> SyslogMessage {
        let timestamp = try rfc5424Timestamp(&scanner)
        let hostname = try headerField(&scanner, "hostname", limit: 255)
        let appName = try headerField(&scanner, "app_name", limit: 48)
        let procID = try headerField(&scanner, "procid", limit: 128)
        let msgID = try headerField(&scanner, "msgid", limit: 32)
        guard scanner.skip(SyslogScanner.space) else { throw .missing("structured_data") }
        let structuredData = try structuredData(&scanner)
        var message = ""
        if !scanner.isAtEnd {
            guard scanner.skip(SyslogScanner.space) else {
                throw .invalidValue("structured_data", "must be followed by a space and the message, or end the datagram")
            }
            message = SyslogScanner.text(scanner.rest)
        }
        return SyslogMessage(
            facility: facility, severity: severity, version: 1, timestamp: timestamp, hostname: hostname,
            appName: appName, procID: procID, msgID: msgID, structuredData: structuredData,
            message: message, format: .rfc5424)
    }

    /// One space-separated header field of printable US-ASCII; nil for the nil value `-`.
    static func headerField(
        _ scanner: inout SyslogScanner, _ field: String, limit: Int, leadingSpace: Bool = true
    ) throws(CodecError) -> String? {
        let token = try headerBytes(&scanner, field, limit: limit, leadingSpace: leadingSpace)
        if token.elementsEqual([UInt8(ascii: "-")]) { return nil }
        return String(decoding: token, as: UTF8.self)
    }

    /// The bytes of one header field, checked as `headerField` checks them; `-` as it is.
    static func headerBytes(
        _ scanner: inout SyslogScanner, _ field: String, limit: Int, leadingSpace: Bool = true
    ) throws(CodecError) -> ArraySlice<UInt8> {
        if leadingSpace {
            guard scanner.skip(SyslogScanner.space) else { throw .missing(field) }
        }
        guard !scanner.isAtEnd else { throw .missing(field) }
        let token = scanner.token()
        guard !token.isEmpty else { throw .invalidValue(field, "must not be empty (send - for none)") }
        guard token.count <= limit else { throw .tooLong(field, limit: limit) }
        guard token.allSatisfy(SyslogScanner.isPrintable) else {
            throw .invalidValue(field, "must be printable US-ASCII")
        }
        return token
    }

    /// The TIMESTAMP field, the first of the header: nil for `-`.
    static func rfc5424Timestamp(_ scanner: inout SyslogScanner) throws(CodecError) -> Timestamp? {
        let field = try headerBytes(&scanner, "timestamp", limit: 64, leadingSpace: false)
        if field.elementsEqual([UInt8(ascii: "-")]) { return nil }
        return try rfc5424Timestamp(field)
    }

    /// An RFC 3339 time as RFC 5424 restricts it: at most six fraction digits, no leap second.
    /// Read from the field's bytes; its text is made only for an error.
    static func rfc5424Timestamp(_ bytes: ArraySlice<UInt8>) throws(CodecError) -> Timestamp {
        func text() -> String { String(decoding: bytes, as: UTF8.self) }
        guard let time = bytes.withUnsafeBufferPointer({ RFC3339.parse(utf8: $0) }) else {
            throw .invalidValue("timestamp", "must be an RFC 3339 time such as 2003-10-11T22:14:15.003Z, got \"\(text())\"")
        }
        let start = bytes.startIndex
        if bytes.count > 18, bytes[start + 17] == UInt8(ascii: "6"), bytes[start + 18] == UInt8(ascii: "0") {
            throw .invalidValue("timestamp", "must not be a leap second (RFC 5424 6.2.3), got \"\(text())\"")
        }
        if bytes.count > 19, bytes[start + 19] == UInt8(ascii: ".") {
            let digits = bytes[(start + 20)...].prefix(while: SyslogScanner.isDigit).count
            guard digits <= 6 else {
                throw .invalidValue("timestamp", "must have at most 6 fraction digits (RFC 5424 6.2.3), got \"\(text())\"")
            }
        }
        return time
    }

    /// `-`, or one or more `[SD-ID name="value" ...]` elements with no space between them.
    static func structuredData(_ scanner: inout SyslogScanner) throws(CodecError) -> [SyslogMessage.SDElement] {
        if scanner.skip(UInt8(ascii: "-")) {
            guard scanner.isAtEnd || scanner.peek == SyslogScanner.space else {
                throw .invalidValue("structured_data", "must be - or start with [")
            }
            return []
        }
        guard scanner.peek == UInt8(ascii: "[") else {
            throw scanner.isAtEnd ? .missing("structured_data")
                : .invalidValue("structured_data", "must be - or elements like [id name=\"value\"]")
        }
        var elements: [SyslogMessage.SDElement] = []
        while scanner.skip(UInt8(ascii: "[")) {
            let id = try sdName(&scanner, what: "an element's SD-ID")
            var params: [(name: String, value: String)] = []
            while !scanner.skip(UInt8(ascii: "]")) {
                guard scanner.skip(SyslogScanner.space) else {
                    throw .invalidValue("structured_data", "element \(id) must be closed with ] (or go on with a space and name=\"value\")")
                }
                let name = try sdName(&scanner, what: "a parameter name in element \(id)")
                guard scanner.skip(UInt8(ascii: "=")), scanner.skip(UInt8(ascii: "\"")) else {
                    throw .invalidValue("structured_data", "parameter \(id).\(name) must be written name=\"value\"")
                }
                params.append((name, try sdValue(&scanner, id: id, name: name)))
            }
            elements.append(.init(id: id, params: params))
        }
        return elements
    }

    /// An SD-NAME: 1 to 32 printable US-ASCII characters other than `=`, space, `]` and `"`.
    static func sdName(_ scanner: inout SyslogScanner, what: String) throws(CodecError) -> String {
        let name = scanner.take(while: { SyslogScanner.isPrintable($0) && !"=]\"".utf8.contains($0) })
        guard !name.isEmpty else { throw .invalidValue("structured_data", "\(what) is missing") }
        guard name.count <= 32 else { throw .invalidValue("structured_data", "\(what) is longer than 32 characters") }
        return String(decoding: name, as: UTF8.self)
    }

    /// A PARAM-VALUE after its opening quote, up to and past the closing quote. `\"`, `\\` and
    /// `\]` stand for the character; any other backslash is kept as it is (RFC 5424 6.3.3).
    static func sdValue(_ scanner: inout SyslogScanner, id: String, name: String) throws(CodecError) -> String {
        var value: [UInt8] = []
        while let byte = scanner.peek {
            scanner.index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: value, as: UTF8.self)
            case UInt8(ascii: "\\"):
                if let next = scanner.peek, "\"\\]".utf8.contains(next) {
                    value.append(next)
                    scanner.index += 1
                } else {
                    value.append(byte)
                }
            default:
                value.append(byte)
            }
        }
        throw .invalidValue("structured_data", "the value of \(id).\(name) has no closing quote")
    }
}
