import AlertgateCore
import AlertgateTesting
import Testing

@Suite("MessageMask: numbers and ids are masked, words kept")
struct MessageMaskTests {
    @Test func messagesThatDifferOnlyInNumbersMaskAlike() {
        let a = MessageMask.mask("took 153ms for user 4411")
        let b = MessageMask.mask("took 9ms for user 12")
        #expect(a == b)
        #expect(a == "took # for user #")
    }

    @Test func wordsWithoutDigitsAreKept() {
        #expect(MessageMask.mask("connection refused by upstream") == "connection refused by upstream")
        #expect(MessageMask.mask("user-service: timeout, retrying") == "user-service: timeout, retrying")
    }

    @Test func idsAndAddressesAreMasked() {
        #expect(MessageMask.mask("request 3f2a-9c1b from 10.0.0.12 failed") == "request # from # failed")
        #expect(MessageMask.mask("") == "")
    }

    /// The masking as first written (token by token, copied into a buffer): fingerprints are
    /// stored, so a faster mask must give every message the same result.
    static func reference(_ message: String) -> String {
        var out: [UInt8] = [], token: [UInt8] = [], hasDigit = false
        func flush() {
            if hasDigit { out.append(UInt8(ascii: "#")) } else { out += token }
            token.removeAll()
            hasDigit = false
        }
        for byte in message.utf8 {
            let digit = (48...57).contains(byte), lower = byte | 0x20
            if digit || (97...122).contains(lower) || byte >= 0x80 || [45, 46, 58, 95].contains(byte) {
                token.append(byte)
                if digit { hasDigit = true }
            } else {
                flush()
                out.append(byte)
            }
        }
        flush()
        return String(decoding: out, as: UTF8.self)
    }

    @Test(arguments: 0..<8)
    func theMaskIsTheSameAsTheReferenceOnRandomMessages(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        let alphabet = Array("ab Z9 0-._:,/=()[]é€\n\t".unicodeScalars)
        for _ in 0..<500 {
            let length = Int(random.next() % 60)
            let message = String(String.UnicodeScalarView((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }))
            #expect(MessageMask.mask(message) == Self.reference(message), "\(message.debugDescription)")
        }
    }
}

