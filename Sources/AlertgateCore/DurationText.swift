import Foundation

/// Durations written as people write them in config: `90s`, `5m`, `1h30m`, `250ms`, `2d`,
/// or a bare number of seconds. Longer than `longest` (about 100 years) or negative is no
/// duration: clients send these too, and a time this far away overflows.
public enum DurationText {
    public static let longest: Int64 = 100 * 366 * 86_400_000

    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite {
            let ms = seconds * 1000
            guard ms >= 0, ms <= Double(longest) else { return nil }
            return .milliseconds(Int64(ms))
        }
        var total: Int64 = 0
        var number = ""
        var unit = ""
        var sawAny = false
        func flush() -> Bool {
            guard let value = Double(number), !unit.isEmpty else { return false }
            let ms: Double
            switch unit {
            case "ms": ms = value
            case "s": ms = value * 1000
            case "m": ms = value * 60_000
            case "h": ms = value * 3_600_000
            case "d": ms = value * 86_400_000
            default: return false
            }
            guard ms.isFinite, ms >= 0, ms <= Double(longest) - Double(total) else { return false }
            total += Int64(ms)
            number = ""
            unit = ""
            sawAny = true
            return true
        }
        for ch in trimmed {
            if ch.isNumber || ch == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(ch)
            } else if ch.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(ch)
            } else {
                return nil
            }
        }
        guard flush(), sawAny else { return nil }
        return .milliseconds(total)
    }

    /// The shortest of `1h30m`, `5m`, `45s`, `250ms` that says the duration.
    public static func format(_ duration: Duration) -> String {
        var ms = duration.wholeMilliseconds
        if ms == 0 { return "0s" }
        var out = ""
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where ms >= size {
            out += "\(ms / size)\(unit)"
            ms %= size
        }
        return out
    }
}
