/// The reason for a decision: which rule applied, on which key, within which window.
///
/// Its sentence (`detail`) is either text, or a `Template` with the numbers that fill it, put
/// together only when read. The correlator gives a reason for every signal, and the writer
/// stores the common ones as a template and its numbers (`WhyText`): formatting each sentence,
/// then splitting it back apart, was ~1.6 % of the server's CPU at a hundred alerts per POST
/// (`perf record`, 2026-12-06). Two reasons are equal when their fields and sentences are,
/// whichever form they hold.
public struct Why: Hashable, Codable, Sendable {
    /// A stable rule name, e.g. `dedup.same_fingerprint` (see `Correlator.Rule`).
    public var rule: String
    /// The key the rule matched on: a fingerprint or a correlation key.
    public var key: String
    /// The config name of the window that decided, if one did.
    public var window: String?
    /// The window's length in seconds.
    public var windowSeconds: Int64?
    private var sentence: Sentence

    /// One sentence for people.
    public var detail: String {
        get {
            switch sentence {
            case .text(let text): text
            case .template(let template, let numbers): template.text(key: key, numbers: numbers)
            }
        }
        set { sentence = .text(newValue) }
    }

    /// The template and numbers of a sentence given as one (nil: given as text).
    public var template: (template: Template, numbers: Numbers)? {
        if case .template(let template, let numbers) = sentence { (template, numbers) } else { nil }
    }

    public init(rule: String, key: String, window: String? = nil, windowSeconds: Int64? = nil, detail: String) {
        self.init(rule: rule, key: key, window: window, windowSeconds: windowSeconds, sentence: .text(detail))
    }

    /// A reason whose sentence is `template` filled with `key` and `numbers`.
    public init(rule: String, key: String, window: String? = nil, windowSeconds: Int64? = nil, _ template: Template, _ numbers: Numbers = Numbers()) {
        precondition(numbers.count == template.numberCount, "the template \(template.marked.debugDescription) takes \(template.numberCount) numbers")
        self.init(rule: rule, key: key, window: window, windowSeconds: windowSeconds, sentence: .template(template, numbers))
    }

    private init(rule: String, key: String, window: String?, windowSeconds: Int64?, sentence: Sentence) {
        self.rule = rule
        self.key = key
        self.window = window
        self.windowSeconds = windowSeconds
        self.sentence = sentence
    }

    private enum Sentence: Sendable {
        case text(String)
        case template(Template, Numbers)
    }

    public static func == (a: Why, b: Why) -> Bool {
        a.rule == b.rule && a.key == b.key && a.window == b.window && a.windowSeconds == b.windowSeconds && a.detail == b.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(key)
        hasher.combine(window)
        hasher.combine(windowSeconds)
        hasher.combine(detail)
    }

    enum CodingKeys: String, CodingKey {
        case rule, key, window
        case windowSeconds = "window_seconds"
        case detail
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rule: try c.decode(String.self, forKey: .rule), key: try c.decode(String.self, forKey: .key),
                  window: try c.decodeIfPresent(String.self, forKey: .window),
                  windowSeconds: try c.decodeIfPresent(Int64.self, forKey: .windowSeconds), detail: try c.decode(String.self, forKey: .detail))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(key, forKey: .key)
        try c.encodeIfPresent(window, forKey: .window)
        try c.encodeIfPresent(windowSeconds, forKey: .windowSeconds)
        try c.encode(detail, forKey: .detail)
    }
}

extension Why {
    /// A sentence with its key and numbers left out, written with `{key}` where the key stands
    /// and `{n}` for each number: "Incident {n} of key {key} has {n} firing alert(s)." Made once
    /// per kind of reason (`Correlator+Reasons.swift`); a reason holds a reference to it.
    public final class Template: Sendable {
        /// Where the key stands in `marked`: `WhyText.keyMark`, frozen with the stored format.
        public static let keyMark: UInt8 = 0x01
        /// Where a number stands in `marked`: `WhyText.numberMark`, as frozen.
        public static let numberMark: UInt8 = 0x02

        /// The sentence with `keyMark` and `numberMark` for its placeholders: the form
        /// `why_templates` stores (`WhyText`).
        public let marked: String
        /// How many numbers the sentence takes.
        public let numberCount: Int

        /// A template of `text`, which holds no control character.
        public init(_ text: String) {
            precondition(!text.utf8.contains { $0 < 0x20 }, "a reason's sentence holds a control character")
            var marked: [UInt8] = []
            var numbers = 0
            var rest = Substring(text).utf8
            while let first = rest.first {
                if rest.starts(with: "{key}".utf8) {
                    marked.append(Self.keyMark)
                    rest = rest.dropFirst(5)
                } else if rest.starts(with: "{n}".utf8) {
                    marked.append(Self.numberMark)
                    numbers += 1
                    rest = rest.dropFirst(3)
                } else {
                    marked.append(first)
                    rest = rest.dropFirst()
                }
            }
            self.marked = String(decoding: marked, as: UTF8.self)
            self.numberCount = numbers
        }

        /// The sentence with `key` and `numbers` in their places.
        func text(key: String, numbers: Numbers) -> String {
            var out: [UInt8] = []
            out.reserveCapacity(marked.utf8.count + key.utf8.count + 20 * numbers.count)
            var next = 0
            for byte in marked.utf8 {
                switch byte {
                case Self.keyMark: out.append(contentsOf: key.utf8)
                case Self.numberMark:
                    out.append(contentsOf: String(numbers[next]).utf8)
                    next += 1
                default: out.append(byte)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Up to three numbers, held in place (an array would be an allocation per reason).
    public struct Numbers: Sendable {
        public private(set) var count = 0
        private var first: Int64 = 0
        private var second: Int64 = 0
        private var third: Int64 = 0

        public init() {}

        public init(_ first: some BinaryInteger) {
            (count, self.first) = (1, Int64(first))
        }

        public init(_ first: some BinaryInteger, _ second: some BinaryInteger) {
            (count, self.first, self.second) = (2, Int64(first), Int64(second))
        }

        public init(_ first: some BinaryInteger, _ second: some BinaryInteger, _ third: some BinaryInteger) {
            (count, self.first, self.second, self.third) = (3, Int64(first), Int64(second), Int64(third))
        }

        public subscript(position: Int) -> Int64 {
            precondition(position >= 0 && position < count, "number \(position) of \(count)")
            return switch position {
            case 0: first
            case 1: second
            default: third
            }
        }
    }
}
