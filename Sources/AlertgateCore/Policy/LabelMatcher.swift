import Foundation

/// One Alertmanager matcher: `name=value`, `name!=value`, `name=~regex`, `name!~regex`.
/// A missing label matches as the empty string, and a regex must match the whole value, as
/// in Alertmanager.
public struct LabelMatcher: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, CaseIterable, Hashable, Sendable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"

        public var isRegex: Bool { self == .regex || self == .notRegex }
        public var isEqual: Bool { self == .equal || self == .regex }
    }

    /// Everything in one reference: a matcher is copied whenever a list of them is walked, and
    /// one retain is cheaper than one per string.
    private final class Storage: Sendable {
        let name: String
        let op: Operator
        let value: String
        let pattern: AnchoredPattern?
        /// Whether a missing label (the empty string) matches: worked out once, since most
        /// signals lack most labels.
        let matchesEmpty: Bool

        init(name: String, op: Operator, value: String, pattern: AnchoredPattern?, matchesEmpty: Bool) {
            self.name = name
            self.op = op
            self.value = value
            self.pattern = pattern
            self.matchesEmpty = matchesEmpty
        }
    }

    private let storage: Storage
    public var name: String { storage.name }
    public var op: Operator { storage.op }
    public var value: String { storage.value }
    private var pattern: AnchoredPattern? { storage.pattern }
    private var matchesEmpty: Bool { storage.matchesEmpty }
    /// The longest regular expression accepted: matching runs on the ingest path, and a
    /// backtracking engine can be made slow by a long hostile pattern.
    public static let maxPatternBytes = 1024

    /// Fails with a message when `value` is not a valid regular expression.
    public init(name: String, op: Operator, value: String) throws(MatcherError) {
        guard !name.isEmpty else { throw MatcherError("a matcher needs a label name") }
        // The text form (`name=value`, how silences are stored and shown) must read back the same.
        guard !name.contains(where: { "=!~\",{}".contains($0) || $0.isWhitespace }) else {
            throw MatcherError("`\(name.prefix(64))` is not a label name: it may not hold =, !, ~, quotes, commas, braces or spaces")
        }
        guard !op.isRegex || value.utf8.count <= Self.maxPatternBytes else {
            throw MatcherError("the regular expression of `\(name)` is longer than \(Self.maxPatternBytes) bytes")
        }
        let pattern = op.isRegex ? try AnchoredPattern(value) : nil
        let matchesEmpty = switch op {
        case .equal: value.isEmpty
        case .notEqual: !value.isEmpty
        case .regex: pattern!.matches("")
        case .notRegex: !pattern!.matches("")
        }
        storage = Storage(name: name, op: op, value: value, pattern: pattern, matchesEmpty: matchesEmpty)
    }

    /// Parses `name=value`, `name=~"a|b"` and the like; quotes around the value are optional.
    public init(parsing text: String) throws(MatcherError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let nameEnd = trimmed.firstIndex(where: { $0 == "=" || $0 == "!" }) else {
            throw MatcherError("`\(text)` is not a matcher: expected name=value, name!=value, name=~regex or name!~regex")
        }
        let name = trimmed[..<nameEnd].trimmingCharacters(in: .whitespaces)
        let rest = trimmed[nameEnd...]
        guard let op = [Operator.notEqual, .regex, .notRegex, .equal].first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw MatcherError("`\(text)` is not a matcher: expected =, !=, =~ or !~ after the name")
        }
        let raw = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        try self.init(name: name, op: op, value: try Self.unquote(raw, in: text))
    }

    /// Whether the labels (looked up by name; nil for a missing label) satisfy the matcher.
    public func matches(_ lookup: (String) -> String?) -> Bool {
        matches(value: lookup(name))
    }

    /// Whether the label's value (nil when missing) satisfies the matcher.
    public func matches(value: String?) -> Bool {
        guard let actual = value, !actual.isEmpty else { return matchesEmpty }
        switch op {
        case .equal: return actual == self.value
        case .notEqual: return actual != self.value
        case .regex: return pattern!.matches(actual)
        case .notRegex: return !pattern!.matches(actual)
        }
    }

    /// The only values that satisfy the matcher, when there are few: `name=value`, or a regex
    /// of whole words (`warning|critical`). What an index of rules can look up.
    public var exactValues: [String]? {
        switch op {
        case .equal: value.isEmpty ? nil : [value]
        case .regex: pattern?.literal?.exactValues.flatMap { $0.contains("") ? nil : $0 }
        case .notEqual, .notRegex: nil
        }
    }

    /// Whether matching runs the regular expression engine; false for plain comparisons and for
    /// patterns that are only words (`warning|critical`, `Disk.*`).
    public var usesRegexEngine: Bool { pattern.map { $0.literal == nil } ?? false }

    /// Matching a plain label map.
    public func matches(_ labels: [String: String]) -> Bool {
        matches { labels[$0] }
    }

    /// `name=value`, the value quoted whenever it would not read back the same without quotes
    /// (empty, spaces, separators, quotes, backslashes, new lines, or a leading `~` or `=`
    /// that would read as part of the operator).
    public var description: String {
        let needsQuotes = value.isEmpty || value.first == "~" || value.first == "="
            || value.contains(where: { " ,\"{}\\\n\t".contains($0) || $0.isWhitespace })
        guard needsQuotes else { return "\(name)\(op.rawValue)\(value)" }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
        return "\(name)\(op.rawValue)\"\(escaped)\""
    }

    public static func == (lhs: LabelMatcher, rhs: LabelMatcher) -> Bool {
        lhs.name == rhs.name && lhs.op == rhs.op && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(op)
        hasher.combine(value)
    }

    private static func unquote(_ raw: String, in text: String) throws(MatcherError) -> String {
        guard raw.hasPrefix("\"") else { return raw }
        guard raw.count >= 2, raw.hasSuffix("\"") else { throw MatcherError("`\(text)` has an unterminated quote") }
        var result = ""
        var escaped = false
        for character in raw.dropFirst().dropLast() {
            if escaped {
                result.append(character == "n" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// A list of matchers as Alertmanager writes them: `{a="b", c=~"d"}` or `a=b,c=~d`.
extension LabelMatcher {
    public static func parseList(_ text: String) throws(MatcherError) -> [LabelMatcher] {
        var body = text.trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("{"), body.hasSuffix("}") { body = String(body.dropFirst().dropLast()) }
        var parts: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in body {
            if escaped { escaped = false; current.append(character); continue }
            if character == "\\" { escaped = true; current.append(character); continue }
            if character == "\"" { quoted.toggle() }
            if character == ",", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        var matchers: [LabelMatcher] = []
        for part in parts where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            matchers.append(try LabelMatcher(parsing: part))
        }
        return matchers
    }
}

/// Why a matcher could not be made.
public struct MatcherError: Error, Hashable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A regular expression that must match a whole value: by string comparison when it is only
/// words (`LiteralPattern`), else by the engine. NSRegularExpression is immutable and safe to
/// share between threads once made.
private final class AnchoredPattern: @unchecked Sendable {
    let expression: NSRegularExpression
    let literal: LiteralPattern?

    init(_ pattern: String) throws(MatcherError) {
        do {
            // Compiled in any case: it checks the pattern, and the fast path must agree with it.
            expression = try NSRegularExpression(pattern: "^(?:\(pattern))$", options: [])
        } catch {
            throw MatcherError("`\(pattern)` is not a valid regular expression")
        }
        literal = LiteralPattern(pattern)
    }

    func matches(_ value: String) -> Bool {
        if let literal { return literal.matches(value) }
        let range = NSRange(value.startIndex..<value.endIndex, in: value)
        return expression.firstMatch(in: value, options: [], range: range) != nil
    }
}
