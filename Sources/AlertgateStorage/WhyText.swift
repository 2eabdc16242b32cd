import AlertgateCore

/// What a signal's reason has in common with many others: its rule, window, and sentence with
/// the key and the numbers taken out. Kept once in `why_templates` (migration v13).
struct WhyTemplate: Hashable, Sendable {
    var rule: String
    var window: String?
    var windowSeconds: Int64?
    /// The sentence, with `WhyText.keyMark` where the key stood and `WhyText.numberMark` for
    /// each number: a run of digits of a sentence split, a whole number (a sign too) of a
    /// `Why.Template`.
    var detail: String
}

/// How `signals.why` holds a `Why`. Two forms, both frozen:
///
/// - JSON (`JSONText.encode(_: Why)`), opening with `{`: every row before v13, and since then a
///   reason whose key or sentence holds a control character.
/// - Compact (v13): `<template id>␟<key>␟<number>␟<number>…` (␟ is U+001F), the template in
///   `why_templates`. A new alert's reason was 119 of its signal row's ~210 bytes as JSON; as
///   `12␟svc-00` it is 9, and the sentence, rule and window are stored once for all signals.
///
/// A reason made from a `Why.Template` is stored with that template: the key and each number
/// (a sign included) at their marks. A reason given as text is split, exactly: the key is
/// replaced first, left to right, then each maximal run of ASCII digits, and joining puts them
/// back in the same order; a key shorter than `minimumKeyLength` is left in the sentence (it
/// would match inside words, making a template per key).
enum WhyText {
    /// Frozen; `Why.Template` marks its sentences with the same bytes (`CompactTextTests`).
    static let keyMark: UInt8 = 0x01
    static let numberMark: UInt8 = 0x02
    static let separator: UInt8 = 0x1F
    static let minimumKeyLength = 4

    /// The template of `why` and the arguments that fill it (key first, then the numbers, each
    /// after a separator); nil when the key or the sentence holds a control character, which
    /// the compact form cannot carry. A reason made from a `Why.Template` is stored with that
    /// template, its sentence never formatted; one given as text is split.
    static func split(_ why: Why) -> (template: WhyTemplate, arguments: [UInt8])? {
        if let (template, numbers) = why.template {
            var key = why.key
            return key.withUTF8 { key -> (template: WhyTemplate, arguments: [UInt8])? in
                guard !key.contains(where: { $0 < 0x20 }) else { return nil }
                var arguments: [UInt8] = []
                arguments.reserveCapacity(key.count + 21 * numbers.count)
                arguments.append(contentsOf: key)
                for position in 0..<numbers.count {
                    arguments.append(separator)
                    arguments.append(contentsOf: String(numbers[position]).utf8)
                }
                return (WhyTemplate(rule: why.rule, window: why.window, windowSeconds: why.windowSeconds, detail: template.marked), arguments)
            }
        }
        // Read in place: the writer splits every signal's reason, and copies of the sentence and
        // the key, and a slice compared at every position, were most of its cost.
        var detailText = why.detail
        var keyText = why.key
        guard let (template, arguments) = detailText.withUTF8({ detail in keyText.withUTF8 { key in split(detail, key: key) } }) else {
            return nil
        }
        return (WhyTemplate(rule: why.rule, window: why.window, windowSeconds: why.windowSeconds,
                            detail: String(decoding: template, as: UTF8.self)), arguments)
    }

    private static func split(_ detail: UnsafeBufferPointer<UInt8>, key: UnsafeBufferPointer<UInt8>) -> (template: [UInt8], arguments: [UInt8])? {
        guard !detail.contains(where: { $0 < 0x20 }), !key.contains(where: { $0 < 0x20 }) else { return nil }
        let replacesKey = key.count >= minimumKeyLength
        var template: [UInt8] = []
        template.reserveCapacity(detail.count)
        var arguments: [UInt8] = []
        arguments.reserveCapacity(key.count + 16)
        arguments.append(contentsOf: key)
        var position = 0
        while position < detail.count {
            if replacesKey, starts(detail, at: position, with: key) {
                template.append(keyMark)
                position += key.count
            } else if isDigit(detail[position]) {
                let start = position
                while position < detail.count, isDigit(detail[position]) { position += 1 }
                template.append(numberMark)
                arguments.append(separator)
                arguments.append(contentsOf: UnsafeBufferPointer(rebasing: detail[start..<position]))
            } else {
                template.append(detail[position])
                position += 1
            }
        }
        return (template, arguments)
    }

    /// Whether `key` (not empty) stands in `text` at `position`.
    private static func starts(_ text: UnsafeBufferPointer<UInt8>, at position: Int, with key: UnsafeBufferPointer<UInt8>) -> Bool {
        guard text[position] == key[0], text.count - position >= key.count else { return false }
        for offset in 1..<key.count where text[position + offset] != key[offset] { return false }
        return true
    }

    /// The column's text for a template's id and its arguments.
    static func text(templateID: Int64, arguments: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(arguments.count + 21)
        out.append(contentsOf: String(templateID).utf8)
        out.append(separator)
        out.append(contentsOf: arguments)
        return String(decoding: out, as: UTF8.self)
    }

    /// The `Why` a column holds, in either form; `template` finds a template by id.
    static func decode(_ text: String, template: (Int64) throws -> WhyTemplate) throws -> Why {
        guard text.utf8.first != UInt8(ascii: "{") else { return try JSONText.decode(Why.self, text) }
        let fields = text.utf8.split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count >= 2, let id = Int64(String(decoding: fields[0], as: UTF8.self)) else {
            throw StoreError.corruptRow("signals.why holds `\(text)`, neither JSON nor a template reference")
        }
        let shape = try template(id)
        let key = Array(fields[1])
        var numbers = fields.dropFirst(2).makeIterator()
        var detail: [UInt8] = []
        for byte in shape.detail.utf8 {
            switch byte {
            case keyMark: detail.append(contentsOf: key)
            case numberMark:
                guard let number = numbers.next() else {
                    throw StoreError.corruptRow("signals.why `\(text)` has fewer numbers than template \(id) asks for")
                }
                detail.append(contentsOf: number)
            default: detail.append(byte)
            }
        }
        return Why(rule: shape.rule, key: String(decoding: key, as: UTF8.self), window: shape.window, windowSeconds: shape.windowSeconds,
                   detail: String(decoding: detail, as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
