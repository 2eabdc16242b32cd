/// Masks the parts of a log message that change between repeats of the same message
/// (counts, durations, hex ids, UUIDs, addresses), so that the repeats share one fingerprint.
public enum MessageMask {
    /// Splits the message into tokens of letters, digits, `-._:` and any non-ASCII bytes;
    /// every token that holds an ASCII digit becomes `#`. Everything else is kept as it is.
    ///
    /// Works on UTF-8 bytes: it runs for every log signal on the ingest path, and Character
    /// properties cost several times more than byte tests (measured with `perf`).
    ///
    /// A token is written out as it is read; one that turns out to hold a digit is cut back to
    /// where it began and replaced by `#`, so no byte is copied twice.
    public static func mask(_ message: String) -> String {
        var message = message
        return message.withUTF8 { bytes in
            String(unsafeUninitializedCapacity: max(1, bytes.count)) { out in
                var count = 0
                var tokenStart = 0
                var tokenHasDigit = false
                for byte in bytes {
                    if isTokenByte(byte) {
                        if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { tokenHasDigit = true }
                        out[count] = byte
                        count += 1
                    } else {
                        if tokenHasDigit {
                            out[tokenStart] = UInt8(ascii: "#")
                            count = tokenStart + 1
                            tokenHasDigit = false
                        }
                        out[count] = byte
                        count += 1
                        tokenStart = count
                    }
                }
                if tokenHasDigit {
                    out[tokenStart] = UInt8(ascii: "#")
                    count = tokenStart + 1
                }
                return count
            }
        }
    }
}
