import AlertgateTesting

/// Seeded mutations of a valid body, for tests that compare two decoders on inputs near the
/// valid ones: bytes changed to JSON's punctuation or to bytes that are not UTF-8, tokens
/// inserted, slices dropped, repeated or cut off.
struct BodyMutator: RandomNumberGenerator {
    private var random: SeededGenerator

    init(seed: UInt64) {
        random = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
    }

    mutating func next() -> UInt64 { random.next() }

    mutating func below(_ n: Int) -> Int { random.below(n) }

    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }

    static let bytes: [UInt8] = Array(#"{}[]:,"\ -+.0159eEntfu/"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xF4, 0xFF]
    static let tokens: [String] = [
        "null", "true", "false", "0", "-0", "1.5", "1e2", "1e400", "12345678901234567890", #""""#, #""x""#, "{}", "[]",
        #"\u00e9"#, #"\uD83D\uDE00"#, #"\uD83D"#, #"\uDE00"#, #"\u0041"#, #"\""#, #"\n"#, "é", "😀", "\u{301}",
        #""labels":"#, #""annotations":"#, #""startsAt":"#, #""endsAt":"#, #""generatorURL":"#, #""summary":"#,
        #""description":"#, #""alertname":"#, #""0001-01-01T00:00:00Z""#, #""2026-11-29T05:00:00Z""#, "1795000000",
        #"{"labels":{"alertname":"M"}}"#, #","labels":{"a":"b"}"#, #","x":[[[[{}]]]]"#,
    ]

    /// `body` with one to three mutations.
    mutating func mutate(_ body: [UInt8]) -> [UInt8] {
        var body = body
        for _ in 0...below(3) {
            let at = below(body.count + 1)
            switch below(6) {
            case 0 where at < body.count: body[at] = pick(Self.bytes)
            case 1: body.insert(contentsOf: Array(pick(Self.tokens).utf8), at: at)
            case 2: body.insert(pick(Self.bytes), at: at)
            case 3 where at < body.count: body.removeSubrange(at..<min(body.count, at + 1 + below(8)))
            case 4 where at < body.count:
                let end = min(body.count, at + 1 + below(40))
                body.insert(contentsOf: body[at..<end], at: end)
            default: body.removeSubrange(at...)
            }
        }
        return body
    }
}
