import AlertgateCodecs
import AlertgateTesting
import Foundation
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String) throws(CodecError) -> JSONValue {
        try JSONValue.parse(Array(text.utf8))
    }

    private func code(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func readsEveryKindOfValue() throws {
        let value = try parse(#" { "a" : [1, -2.5, 3e2, 0, -0.125E-1, true, false, null], "b": {"c": "d"}, "": "" } "#)
        #expect(value == .object([
            "a": .array([.number(1), .number(-2.5), .number(300), .number(0), .number(-0.0125), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("d")]),
            "": .string(""),
        ]))
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([:]))
        #expect(try parse("\"x\"") == .string("x"))
        #expect(try parse("12345678901234567890") == .number(12345678901234567890))
        #expect(try parse("9007199254740993") == .number(9007199254740993))
    }

    @Test func decodesEscapesAndUnicode() throws {
        #expect(try parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{c}\n\r\t"))
        #expect(try parse(#""\u00e9\u4e2d\uD83D\uDE00""#) == .string("é中😀"))
        #expect(try parse("\"grüße 😀\"") == .string("grüße 😀"))
        #expect(try parse(#"{"k\u0041": 1, "kA": 2}"#) == .object(["kA": .number(2)]), "the last duplicate key wins")
    }

    @Test func namesTheProblemAndItsPlace() {
        #expect(code("") == "invalid_json")
        #expect(code("{") == "invalid_json")
        #expect(code("[1,]") == "invalid_json")
        #expect(code("{\"a\":1,}") == "invalid_json")
        #expect(code("01") == "invalid_json")
        #expect(code("1.") == "invalid_json")
        #expect(code("1e") == "invalid_json")
        #expect(code("-") == "invalid_json")
        #expect(code("tru") == "invalid_json")
        #expect(code("nul") == "invalid_json")
        #expect(code("\"abc") == "invalid_json")
        #expect(code("\"a\u{1}b\"") == "invalid_json")
        #expect(code(#""\x""#) == "invalid_json")
        #expect(code(#""\u12""#) == "invalid_json")
        #expect(code(#""\uD83D""#) == "invalid_json")
        #expect(code(#""\uDE00""#) == "invalid_json")
        #expect(code("{} {}") == "invalid_json")
        #expect(code("{'a': 1}") == "invalid_json")
        #expect(code("1e999") == "invalid_json")
        #expect(throws: CodecError.invalidJSON("expected ',' or ']' in an array at byte 3")) { try parse("[1 2]") }
    }

    @Test func rejectsDeepNestingAndBadUTF8ByName() {
        #expect(code(String(repeating: "[", count: 33) + String(repeating: "]", count: 33)) == "too_deep")
        #expect(code(String(repeating: "[", count: 32) + String(repeating: "]", count: 32)) == nil)
        #expect(throws: CodecError.invalidUTF8) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: CodecError.invalidUTF8) { try JSONValue.parse([0x7B, 0xFF, 0x7D]) }
    }

    /// Seeded random documents, written with random whitespace and escapes, read back equal.
    @Test(arguments: 0..<4) func readsBackWhatIsWritten(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &+ 0x9E37_79B9_7F4A_7C15)
        for _ in 0..<200 {
            let value = randomValue(&random, depth: 0)
            var text = ""
            write(value, to: &text, &random)
            #expect(try parse(text) == value, "\(text)")
        }
    }

    /// Every captured JSON fixture reads the same as through Foundation's decoder.
    @Test func agreesWithFoundationOnEveryFixture() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../fixtures").standardized
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".json") } ?? []
        #expect(files.count >= 40)
        for file in files {
            let data = try Data(contentsOf: root.appendingPathComponent(file))
            guard let reference = try? JSONDecoder().decode(Reference.self, from: data) else { continue }
            #expect(try JSONValue.parse([UInt8](data)) == reference.value, "\(file)")
        }
    }
}

/// The decoding this parser replaced, kept as the reference.
private struct Reference: Decodable {
    let value: JSONValue
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let array = try? container.decode([Reference].self) {
            value = .array(array.map(\.value))
        } else {
            value = .object(try container.decode([String: Reference].self).mapValues(\.value))
        }
    }
}


private let alphabet: [Character] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{1}", "é", "中", "😀", "\u{7F}"]

private func randomValue(_ random: inout SeededGenerator, depth: Int) -> JSONValue {
    switch random.below(depth > 3 ? 5 : 7) {
    case 0: return .null
    case 1: return .bool(random.below(2) == 0)
    case 2: return .number(Double(Int64(bitPattern: random.next()) >> Int64(random.below(60))))
    case 3: return .number(Double(bitPattern: random.next() & 0x3FFF_FFFF_FFFF_FFFF) * (random.below(2) == 0 ? 1 : -1))
    case 4: return .string(String((0..<random.below(12)).map { _ in alphabet[random.below(alphabet.count)] }))
    case 5: return .array((0..<random.below(4)).map { _ in randomValue(&random, depth: depth + 1) })
    default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<random.below(4) {
            members[String((0..<random.below(6)).map { _ in alphabet[random.below(alphabet.count)] })] = randomValue(&random, depth: depth + 1)
        }
        return .object(members)
    }
}

private func write(_ value: JSONValue, to text: inout String, _ random: inout SeededGenerator) {
    let spaces = [" ", "\n", "\t", "\r", ""]
    func space() { text += spaces[random.below(spaces.count)] }
    space()
    switch value {
    case .null: text += "null"
    case .bool(let bool): text += bool ? "true" : "false"
    case .number(let number):
        if random.below(2) == 0, let integer = Int64(exactly: number) { text += String(integer) } else { text += "\(number)" }
    case .string(let string): writeString(string, to: &text, &random)
    case .array(let elements):
        text += "["
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            write(element, to: &text, &random)
        }
        space()
        text += "]"
    case .object(let members):
        text += "{"
        for (index, (key, member)) in members.enumerated() {
            if index > 0 { text += "," }
            space()
            writeString(key, to: &text, &random)
            space()
            text += ":"
            write(member, to: &text, &random)
        }
        space()
        text += "}"
    }
    space()
}

private func writeString(_ string: String, to text: inout String, _ random: inout SeededGenerator) {
    text += "\""
    for scalar in string.unicodeScalars {
        let escapeAnyway = random.below(4) == 0
        switch scalar {
        case "\"": text += "\\\""
        case "\\": text += "\\\\"
        case "\n": text += "\\n"
        case "\t": text += "\\t"
        case _ where scalar.value < 0x20 || escapeAnyway:
            for unit in String(scalar).utf16 { text += "\\u" + String(format: "%04X", unit) }
        default: text.unicodeScalars.append(scalar)
        }
    }
    text += "\""
}
