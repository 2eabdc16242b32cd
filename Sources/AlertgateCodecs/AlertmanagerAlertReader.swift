import AlertgateCore

/// Reads the parts every Alertmanager-shaped alert shares (the v2 API, the webhook,
/// Grafana's webhook) out of a parsed `JSONValue`: labels, annotations and the times, read
/// and checked once, each error naming its field.
///
/// The v2 API and the webhooks read their alerts straight from the bytes
/// (`AlertmanagerAlertScanner`) and come here only for an alert that reader does not take as
/// it is (and the webhooks for a body whose top level is not plain), so that the errors, and
/// the rare shapes (numbers as label values, null entries, duplicate names), are defined in
/// this one place.
struct AlertmanagerAlertReader {
    let reader: JSONObjectReader
    let alert: AlertmanagerAlert

    init(_ value: JSONValue, path: String = "") throws(CodecError) {
        reader = try JSONObjectReader(value, path: path)
        var alert = AlertmanagerAlert()
        alert.labels = try reader.stringMap("labels", maxEntries: AlertmanagerAlert.maxEntries, maxBytes: AlertmanagerAlert.maxLabelBytes)
        guard !alert.labels.isEmpty else { throw .missing(reader.name("labels")) }
        for name in alert.labels.keys where !AlertmanagerAlert.isValidLabelName(name) {
            throw .invalidValue("\(reader.name("labels")).\(name)", "is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        }
        let annotations = try reader.stringMap("annotations", maxEntries: AlertmanagerAlert.maxEntries, maxBytes: AlertmanagerAlert.maxAnnotationBytes)
        alert.summary = annotations["summary"]
        alert.titleAnnotation = annotations["title"]
        alert.descriptionAnnotation = annotations["description"]
        alert.message = annotations["message"]
        alert.startsAt = try Self.time(reader, "startsAt")
        alert.endsAt = try Self.time(reader, "endsAt")
        alert.generatorURL = try reader.string("generatorURL", maxBytes: AlertmanagerAlert.maxGeneratorURLBytes).flatMap { $0.isEmpty ? nil : $0 }
        self.alert = alert
    }

    /// A time field, where Alertmanager's zero time means "not set".
    static func time(_ reader: JSONObjectReader, _ key: String) throws(CodecError) -> Timestamp? {
        if case .string(let text)? = reader.fields[key], text.hasPrefix(AlertmanagerAlert.zeroTimePrefix) || text.isEmpty { return nil }
        return try reader.time(key)
    }
}
