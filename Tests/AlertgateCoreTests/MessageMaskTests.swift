import AlertgateCore
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
}
