/// Masks the parts of a log message that change between repeats of the same message
/// (counts, durations, hex ids, UUIDs, addresses), so that the repeats share one fingerprint.
public enum MessageMask {
    /// Splits the message into tokens of letters, digits, `-._:` and any non-ASCII bytes;
    /// every token that holds an ASCII digit becomes `#`. Everything else is kept as it is.
    ///
    /// Works on UTF-8 bytes: it runs for every log signal on the ingest path, and Character
    /// properties cost several times more than byte tests (measured with `perf`).
    public static func mask(_ message: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(message.utf8.count)
        var token: [UInt8] = []
        var tokenHasDigit = false
        func flush() {
            if tokenHasDigit { out.append(UInt8(ascii: "#")) } else { out.append(contentsOf: token) }
            token.removeAll(keepingCapacity: true)
            tokenHasDigit = false
        }
        for byte in message.utf8 {
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            let lower = byte | 0x20
            let isLetter = lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")
            if isDigit || isLetter || byte >= 0x80 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_") {
                token.append(byte)
                if isDigit { tokenHasDigit = true }
            } else {
                flush()
                out.append(byte)
            }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }
}
