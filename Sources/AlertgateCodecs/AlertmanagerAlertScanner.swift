import AlertgateCore

/// Reads one alert of an Alertmanager v2 API body, or of a webhook's `alerts`, straight from
/// the bytes into an `AlertmanagerAlert`, without a `JSONValue` tree: `labels`, the
/// annotations a signal uses, `startsAt`, `endsAt` and `generatorURL` become typed fields as
/// the cursor passes them; other annotations and members (but those a webhook asks for, see
/// `read`) are stepped over, checked but not allocated.
///
/// It takes an alert only when it is plainly valid, as Prometheus sends them: an object with
/// each of those members at most once, labels and annotations objects of strings within
/// their limits, valid label names, times that parse. For anything else, an error to report
/// or a shape the API accepts but Prometheus never sends (numbers or nulls as values,
/// escapes in member names, a member given twice), it still steps over the whole alert,
/// checking its JSON, and answers nil: the caller reads that alert's bytes again through
/// `AlertmanagerAlertReader`, which decides. So it either agrees with that reader or leaves
/// the alert to it (`AlertmanagerDirectReadTests` hold it to that).
struct AlertmanagerAlertScanner {
    /// How many labels the last alert had: alerts of one body mostly have as many, so each
    /// alert's dictionary is allocated once at the right size.
    private var labelCapacity = 8

    private enum Member: UInt8 {
        case labels, annotations, startsAt, endsAt, generatorURL
    }

    /// Reads the alert at the cursor and moves past it; nil when the alert is not one it
    /// takes as it is (see above). A problem with the JSON itself is thrown, as the parser
    /// would throw it.
    ///
    /// `extra` gets each member of another name (a webhook's `status`, `fingerprint`...) with
    /// the cursor on its value, which it must read; it answers whether the alert can still be
    /// taken as it is. By default such members are stepped over.
    mutating func read(
        _ cursor: inout JSONCursor,
        extra: (inout JSONCursor, JSONCursor.StringToken) throws(CodecError) -> Bool = { cursor, _ throws(CodecError) in
            try cursor.skipValue()
            return true
        }
    ) throws(CodecError) -> AlertmanagerAlert? {
        var alert = AlertmanagerAlert()
        let capacity = labelCapacity
        let plain = try cursor.plainObject(member: { name, cursor in Self.member(name, cursor)?.rawValue }) { cursor, name, bit throws(CodecError) in
            switch bit.flatMap(Member.init(rawValue:)) {
            case nil: try extra(&cursor, name)
            case .labels: try Self.labels(&cursor, into: &alert.labels, capacity: capacity)
            case .annotations: try Self.annotations(&cursor, into: &alert)
            case .startsAt: try Self.time(&cursor, into: &alert.startsAt)
            case .endsAt: try Self.time(&cursor, into: &alert.endsAt)
            case .generatorURL: try Self.generatorURL(&cursor, into: &alert.generatorURL)
            }
        }
        guard plain == true, !alert.labels.isEmpty, alert.labels.keys.allSatisfy(AlertmanagerAlert.isValidLabelName) else { return nil }
        labelCapacity = alert.labels.count
        return alert
    }

    private static func member(_ name: JSONCursor.StringToken, _ cursor: borrowing JSONCursor) -> Member? {
        switch name.writtenCount {
        case 6: cursor.matches(name, "labels") ? .labels : cursor.matches(name, "endsAt") ? .endsAt : nil
        case 8: cursor.matches(name, "startsAt") ? .startsAt : nil
        case 11: cursor.matches(name, "annotations") ? .annotations : nil
        case 12: cursor.matches(name, "generatorURL") ? .generatorURL : nil
        default: nil
        }
    }

    /// An object of at most `maxEntries` strings, their names and values within their limits.
    private static func labels(_ cursor: inout JSONCursor, into labels: inout [String: String], capacity: Int) throws(CodecError) -> Bool {
        guard cursor.next == UInt8(ascii: "{") else {
            // null is no labels, which is an error too.
            try cursor.skipValue()
            return false
        }
        labels = Dictionary(minimumCapacity: capacity)
        var plain = true
        var count = 0
        try cursor.object { cursor, name throws(CodecError) in
            count += 1
            guard plain, count <= AlertmanagerAlert.maxEntries, name.writtenCount <= JSONObjectReader.maxEntryNameBytes,
                  cursor.next == UInt8(ascii: "\"")
            else {
                plain = false
                return try cursor.skipValue()
            }
            let key = try cursor.string(of: name)
            let value = try cursor.string()
            guard value.utf8.count <= AlertmanagerAlert.maxLabelBytes else {
                plain = false
                return
            }
            // A name given twice keeps its last value, as the reference reader does.
            labels[key] = value
        }
        return plain
    }

    /// Keeps the annotations a signal uses and checks the others: strings within the
    /// limits, or numbers and booleans (text to the reference reader), or null.
    private static func annotations(_ cursor: inout JSONCursor, into alert: inout AlertmanagerAlert) throws(CodecError) -> Bool {
        switch cursor.next {
        case UInt8(ascii: "{"): break
        case UInt8(ascii: "n"):
            try cursor.skipValue()
            return true
        default:
            try cursor.skipValue()
            return false
        }
        var plain = true
        var count = 0
        try cursor.object { cursor, name throws(CodecError) in
            count += 1
            guard plain, count <= AlertmanagerAlert.maxEntries, !name.hasEscapes, name.writtenCount <= JSONObjectReader.maxEntryNameBytes else {
                plain = false
                return try cursor.skipValue()
            }
            let kept = Self.keptAnnotation(name, cursor)
            switch cursor.next {
            case UInt8(ascii: "\""):
                if let kept {
                    let text = try cursor.string()
                    guard text.utf8.count <= AlertmanagerAlert.maxAnnotationBytes else {
                        plain = false
                        return
                    }
                    alert[keyPath: kept] = text
                } else if try cursor.skipString().writtenCount > AlertmanagerAlert.maxAnnotationBytes {
                    // Perhaps shorter once its escapes are decoded: the reference reader decides.
                    plain = false
                }
            case UInt8(ascii: "n"):
                try cursor.skipValue()
                if let kept { alert[keyPath: kept] = nil }
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                try cursor.skipValue()
                if kept != nil { plain = false }
            default:
                plain = false
                try cursor.skipValue()
            }
        }
        return plain
    }

    private static func keptAnnotation(_ name: JSONCursor.StringToken, _ cursor: borrowing JSONCursor) -> WritableKeyPath<AlertmanagerAlert, String?>? {
        switch name.writtenCount {
        case 5: cursor.matches(name, "title") ? \.titleAnnotation : nil
        case 7: cursor.matches(name, "summary") ? \.summary : cursor.matches(name, "message") ? \.message : nil
        case 11: cursor.matches(name, "description") ? \.descriptionAnnotation : nil
        default: nil
        }
    }

    /// An RFC 3339 time, where empty or Alertmanager's zero time means none, or null.
    private static func time(_ cursor: inout JSONCursor, into time: inout Timestamp?) throws(CodecError) -> Bool {
        switch cursor.next {
        case UInt8(ascii: "\""):
            let token = try cursor.skipString()
            guard !token.hasEscapes else { return false }
            let text = cursor.writtenBytes(of: token)
            let zero = AlertmanagerAlert.zeroTimePrefix.utf8
            if text.isEmpty { return true }
            if text.starts(with: zero) {
                // `hasPrefix` compares characters: a combining mark after the prefix would
                // join its last digit. Such text is not a time either: the reference reader decides.
                return text.count == zero.count || text[zero.count] < 0x80
            }
            guard let parsed = RFC3339.parse(utf8: text) else { return false }
            time = parsed
            return true
        case UInt8(ascii: "n"):
            try cursor.skipValue()
            return true
        default:
            // Seconds since the epoch are rare enough to leave to the reference reader.
            try cursor.skipValue()
            return false
        }
    }

    /// A string of at most `maxGeneratorURLBytes`, where empty means none, or null.
    private static func generatorURL(_ cursor: inout JSONCursor, into url: inout String?) throws(CodecError) -> Bool {
        let (plain, text) = try cursor.plainString(maxBytes: AlertmanagerAlert.maxGeneratorURLBytes)
        if plain { url = text?.isEmpty == false ? text : nil }
        return plain
    }
}
