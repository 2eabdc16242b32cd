/// A regular expression that says no more than "one of these words, perhaps with anything
/// before or after": `warning|critical`, `Disk.*`, `(Disk|Filesystem)Full`,
/// `(?i).*(latency|slow).*`. Matched by comparing strings instead of running the regex
/// engine, which on this platform converts every value to UTF-16 first: the patterns people
/// write in silences and rules are mostly of this kind (Prometheus matches them the same way).
/// Anything else (character classes, repeats, nested anchors) is left to the engine.
struct LiteralPattern: Sendable {
    /// One alternative: its words, and whether anything may come before or after them.
    struct Branch: Sendable {
        var anyBefore: Bool
        var anyAfter: Bool
        /// UTF-8 bytes, lowercased for `caseInsensitive`.
        var words: [[UInt8]]
    }

    let branches: [Branch]
    /// `(?i)` at the start: values are lowercased before comparing.
    let caseInsensitive: Bool
    /// More words than this (from groups multiplied out) is left to the engine.
    static let maxWords = 256

    init?(_ pattern: String) {
        var text = Substring(pattern)
        let lowering = text.hasPrefix("(?i)")
        caseInsensitive = lowering
        if lowering { text = text.dropFirst(4) }
        var branches: [Branch] = []
        for alternative in Self.splitTopLevel(text) {
            var part = alternative
            let anyBefore = part.hasPrefix(".*")
            if anyBefore { part = part.dropFirst(2) }
            let anyAfter = part.hasSuffix(".*") && !part.hasSuffix("\\.*")
            if anyAfter { part = part.dropLast(2) }
            guard let words = Self.expand(part) else { return nil }
            branches.append(Branch(anyBefore: anyBefore, anyAfter: anyAfter, words: words.map { Array((lowering ? $0.lowercased() : $0).utf8) }))
        }
        guard branches.reduce(0, { $0 + $1.words.count }) <= Self.maxWords else { return nil }
        self.branches = branches
    }

    /// The values the pattern stands for when it is only whole words (`a|b`, `(Disk|Fs)Full`):
    /// what an index can look up.
    var exactValues: [String]? {
        guard !caseInsensitive, branches.allSatisfy({ !$0.anyBefore && !$0.anyAfter }) else { return nil }
        return branches.flatMap { $0.words.map { String(decoding: $0, as: UTF8.self) } }
    }

    func matches(_ value: String) -> Bool {
        if caseInsensitive { return matches(bytes: Self.lowercasedBytes(value)[...]) }
        // Native strings are contiguous UTF-8: compared in place, without a copy.
        if let answer = value.utf8.withContiguousStorageIfAvailable({ matches(bytes: $0[...]) }) { return answer }
        return matches(bytes: Array(value.utf8)[...])
    }

    private func matches<Bytes: RandomAccessCollection<UInt8>>(bytes: Bytes) -> Bool where Bytes.Index == Int {
        for branch in branches {
            for word in branch.words {
                switch (branch.anyBefore, branch.anyAfter) {
                case (false, false): if bytes.elementsEqual(word) { return true }
                case (false, true): if bytes.starts(with: word) { return true }
                case (true, false): if bytes.count >= word.count, bytes.suffix(word.count).elementsEqual(word) { return true }
                case (true, true): if Self.contains(bytes, word) { return true }
                }
            }
        }
        return false
    }

    /// ASCII letters lowered byte by byte; other text through `lowercased()`.
    static func lowercasedBytes(_ value: String) -> [UInt8] {
        var bytes = Array(value.utf8)
        for index in bytes.indices {
            let byte = bytes[index]
            if byte >= 0x80 { return Array(value.lowercased().utf8) }
            if byte >= UInt8(ascii: "A"), byte <= UInt8(ascii: "Z") { bytes[index] = byte + 32 }
        }
        return bytes
    }

    /// Whether `needle` occurs in `haystack` (UTF-8: a match of whole characters).
    static func contains<Bytes: RandomAccessCollection<UInt8>>(_ haystack: Bytes, _ needle: [UInt8]) -> Bool where Bytes.Index == Int {
        guard let first = needle.first else { return true }
        guard haystack.count >= needle.count else { return false }
        var start = haystack.startIndex
        let last = haystack.endIndex - needle.count
        while start <= last {
            if haystack[start] == first, haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
            start += 1
        }
        return false
    }

    /// Walks `text` outside escapes, telling `visit` each character with the parenthesis depth
    /// before it; `visit` returns false to stop.
    private static func walk(_ text: Substring, from start: Substring.Index, _ visit: (Substring.Index, Character, Int) -> Bool) {
        var depth = 0
        var escaped = false
        var index = start
        while index < text.endIndex {
            let character = text[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                guard visit(index, character, depth) else { return }
                if character == "(" { depth += 1 } else if character == ")" { depth -= 1 }
            }
            index = text.index(after: index)
        }
    }

    /// The alternatives of `text` at depth 0 (outside parentheses).
    static func splitTopLevel(_ text: Substring) -> [Substring] {
        var parts: [Substring] = []
        var start = text.startIndex
        walk(text, from: text.startIndex) { index, character, depth in
            if character == "|", depth == 0 {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            return true
        }
        parts.append(text[start...])
        return parts
    }

    /// The words `text` stands for: literal characters (`\.` for a dot) and groups of
    /// alternatives multiplied out; nil for anything else.
    static func expand(_ text: Substring) -> [String]? {
        var words = [""]
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            switch character {
            case "\\":
                let next = text.index(after: index)
                guard next < text.endIndex, !text[next].isLetter, !text[next].isNumber else { return nil }
                words = words.map { $0 + String(text[next]) }
                index = text.index(after: next)
            case "(":
                guard let close = matchingParenthesis(text, from: index) else { return nil }
                var inner = text[text.index(after: index)..<close]
                if inner.hasPrefix("?:") { inner = inner.dropFirst(2) }
                var choices: [String] = []
                for alternative in splitTopLevel(inner) {
                    guard let expanded = expand(alternative) else { return nil }
                    choices += expanded
                }
                words = words.flatMap { word in choices.map { word + $0 } }
                guard words.count <= maxWords else { return nil }
                index = text.index(after: close)
            case ".", "^", "$", "|", "?", "*", "+", ")", "[", "]", "{", "}":
                return nil
            default:
                words = words.map { $0 + String(character) }
                index = text.index(after: index)
            }
        }
        return words
    }

    private static func matchingParenthesis(_ text: Substring, from open: Substring.Index) -> Substring.Index? {
        var match: Substring.Index?
        walk(text, from: open) { index, character, depth in
            if character == ")", depth == 1 { match = index }
            return match == nil
        }
        return match
    }
}
