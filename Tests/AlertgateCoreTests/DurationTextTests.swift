import AlertgateCore
import Testing

@Suite("DurationText: durations as people write them")
struct DurationTextTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)),
        ("250ms", .milliseconds(250)), ("10", .seconds(10)), ("2d", .seconds(172_800)), ("1m30s", .seconds(90)),
    ])
    func parses(text: String, expected: Duration) {
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: ["abc", "", "5x", "m5", "1h 30m", "-"])
    func rejectsText(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func formatsTheShortestForm() {
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
        #expect(DurationText.format(.milliseconds(250)) == "250ms")
        #expect(DurationText.format(.zero) == "0s")
        #expect(DurationText.parse(DurationText.format(.seconds(3725))) == .seconds(3725))
    }

    @Test(arguments: ["1e300", "99999999999999999d", "-5", "1e20s", "36600000d"])
    func durationsTooLongOrNegativeAreNone(text: String) {
        #expect(DurationText.parse(text) == nil)
    }
}
