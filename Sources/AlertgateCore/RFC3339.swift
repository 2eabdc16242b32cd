import Foundation

/// Parsing and formatting of RFC 3339 times, lenient where senders are known to vary
/// (fractional seconds of any length, `Z`, `+00:00` or `+0000`).
public enum RFC3339 {
    public static func format(_ time: Timestamp) -> String {
        var ms = time.milliseconds
        var seconds = ms / 1000
        ms %= 1000
        if ms < 0 { ms += 1000; seconds -= 1 }
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let s = String(value)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM|±HHMM)`; `t` or a space may separate date and time.
    public static func parse(_ text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// `parse(_:)` over the UTF-8 bytes of the text, where a decoder has them (no `String` needed).
    public static func parse(utf8 b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count >= 20 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                let c = b[i]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let year = num(0, 4), b[4] == 45, let month = num(5, 2), b[7] == 45, let day = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = num(11, 2), b[13] == 58, let minute = num(14, 2), b[16] == 58, let second = num(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second <= 60 else { return nil }
        var i = 19
        var fractionMs = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 3 { fractionMs = fractionMs * 10 + Int(b[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            var scale = digits
            while scale < 3 { fractionMs *= 10; scale += 1 }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        switch b[i] {
        case 90, 122: // Z z
            guard i + 1 == b.count else { return nil }
        case 43, 45: // + -
            let sign = b[i] == 43 ? 1 : -1
            guard let oh = num(i + 1, 2) else { return nil }
            var om: Int?
            if i + 3 < b.count, b[i + 3] == 58 {
                om = num(i + 4, 2)
                guard i + 6 == b.count else { return nil }
            } else {
                om = num(i + 3, 2)
                guard i + 5 == b.count else { return nil }
            }
            guard let minutes = om, oh < 24, minutes < 60 else { return nil }
            offsetSeconds = sign * (oh * 3600 + minutes * 60)
        default:
            return nil
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + min(second, 59)) - Int64(offsetSeconds)
        return Timestamp(milliseconds: seconds * 1000 + Int64(fractionMs))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}
