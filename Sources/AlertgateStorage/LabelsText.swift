import AlertgateCore

/// How `alerts.labels` holds an alert's labels. Two forms, both frozen:
///
/// - JSON (`JSONText.encode`), opening with `{`: every row before v13, and since then labels
///   with a control character in a name or value.
/// - Compact (v13): U+001E, then name␟value␟name␟value… (␟ is U+001F), a name in
///   `commonNames` written as the one byte of its position + 1. Prometheus's six labels of a
///   typical alert took 138 bytes as JSON, most of an alert row; compact they take ~85, and
///   every alert row holds them.
///
/// `commonNames` is part of the format: never reorder or remove a name; a name may be added at
/// the end while the list has fewer than 29 (bytes 0x01–0x1D).
package enum LabelsText {
    static let marker: UInt8 = 0x1E
    static let separator: UInt8 = 0x1F
    /// Label names of Prometheus, Kubernetes and the alertgate catalog, most frequent first.
    static let commonNames = [
        "alertname", "instance", "job", "severity", "namespace", "pod", "service", "team", "container", "cluster",
        "env", "environment", "region", "node", "deployment", "prometheus", "endpoint", "component", "app", "exported_job",
    ]
    /// `commonNames` as bytes, for `code(of:)`.
    private static let commonNameBytes = commonNames.map { Array($0.utf8) }

    package static func encode(_ labels: PackedLabels) -> String {
        var out: [UInt8] = []
        encode(labels, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The column's bytes, written over `out` (the writer reuses one buffer for every new alert
    /// of a batch): the compact form, or JSON when a name or value holds a control character.
    /// Returns whether the form is the compact one.
    @discardableResult
    static func encode(_ labels: PackedLabels, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(labels.byteCount + 1)
        out.append(marker)
        var compact = true
        var first = true
        labels.forEachPair { name, value in
            guard compact else { return }
            guard !name.contains(where: { $0 < 0x20 }), !value.contains(where: { $0 < 0x20 }) else {
                compact = false
                return
            }
            if !first { out.append(separator) }
            first = false
            if let code = code(of: name) { out.append(code) } else { out.append(contentsOf: name) }
            out.append(separator)
            out.append(contentsOf: value)
        }
        if !compact {
            out.removeAll(keepingCapacity: true)
            out.append(contentsOf: JSONText.encode(labels).utf8)
        }
        return compact
    }

    /// A common name's byte, compared as bytes: the writer encodes every new alert's labels,
    /// and a `String` made of each name to look it up showed in its profile.
    private static func code(of name: UnsafeBufferPointer<UInt8>) -> UInt8? {
        for (position, common) in commonNameBytes.enumerated() where common.count == name.count && common.elementsEqual(name) {
            return UInt8(position + 1)
        }
        return nil
    }

    static func decode(_ text: String) throws -> [String: String] {
        guard text.utf8.first == marker else { return try JSONText.decode([String: String].self, text) }
        let body = text.utf8.dropFirst()
        guard !body.isEmpty else { return [:] }
        let fields = body.split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count % 2 == 0 else { throw StoreError.corruptRow("alerts.labels holds an odd number of fields: `\(text)`") }
        var labels: [String: String] = [:]
        labels.reserveCapacity(fields.count / 2)
        for index in stride(from: 0, to: fields.count, by: 2) {
            let name = fields[index]
            let nameText: String
            if name.count == 1, let byte = name.first, byte >= 0x01, Int(byte) <= commonNames.count {
                nameText = commonNames[Int(byte) - 1]
            } else {
                nameText = String(decoding: name, as: UTF8.self)
            }
            labels[nameText] = String(decoding: fields[index + 1], as: UTF8.self)
        }
        return labels
    }
}
