/// Masks the parts of a log message that change between repeats of the same message
/// (counts, durations, hex ids, UUIDs, addresses), so that the repeats share one fingerprint.
public enum MessageMask {
    /// Splits the message into tokens of letters, digits and `-._:`; every token that holds
    /// a digit becomes `#`. Everything else is kept as it is.
    public static func mask(_ message: String) -> String {
        var out = ""
        out.reserveCapacity(message.utf8.count)
        var token = ""
        var tokenHasDigit = false
        for ch in message {
            if ch.isLetter || ch.isNumber || ch == "-" || ch == "." || ch == ":" || ch == "_" {
                token.append(ch)
                if ch.isNumber { tokenHasDigit = true }
            } else {
                out.append(tokenHasDigit ? "#" : token)
                token = ""
                tokenHasDigit = false
                out.append(ch)
            }
        }
        out.append(tokenHasDigit ? "#" : token)
        return out
    }
}
