import AlertgateCore
import Testing

@Suite("RFC3339: parsing and formatting")
struct RFC3339Tests {
    /// 2026-11-29T04:00:00Z, from `date -u -d 2026-11-29T04:00:00Z +%s`.
    static let base: Int64 = 1_795_924_800_000

    @Test func parsesUTC() {
        #expect(RFC3339.parse("2026-11-29T04:00:00Z")?.milliseconds == Self.base)
        #expect(RFC3339.parse("1970-01-01T00:00:00Z")?.milliseconds == 0)
    }

    @Test(arguments: [
        (".5", 500), (".12", 120), (".123", 123), (".1234", 123), (".12345", 123),
        (".123456", 123), (".1234567", 123), (".12345678", 123), (".123456789", 123), (".999999999", 999),
    ] as [(String, Int64)])
    func parsesFractionalSecondsOfOneToNineDigits(fraction: String, milliseconds: Int64) {
        #expect(RFC3339.parse("2026-11-29T04:00:00\(fraction)Z")?.milliseconds == Self.base + milliseconds)
    }

    @Test(arguments: [
        "2026-11-29T04:00:00+00:00", "2026-11-29T04:00:00+0000", "2026-11-28T23:00:00-05:00",
        "2026-11-29T09:30:00+05:30", "2026-11-28T23:00:00.000-0500",
    ])
    func parsesOffsets(text: String) {
        #expect(RFC3339.parse(text)?.milliseconds == Self.base)
    }

    @Test(arguments: [
        "", "garbage", "2026-11-29", "2026-11-29T04:00:00", "2026-11-29T04:00:00.Z", "2026-13-01T04:00:00Z",
        "2026-11-29T24:00:00Z", "2026-11-29T04:00:00+5:00", "2026-11-29T04:00:00Zjunk", "2026/11/29T04:00:00Z",
        "2026-11-29T04:00:00+05:00:00", "2026-11-29T04:00:00 UTC",
    ])
    func garbageIsNil(text: String) {
        #expect(RFC3339.parse(text) == nil)
    }

    @Test func formatAndParseRoundTripAtMillisecondPrecision() throws {
        let text = "2026-11-29T04:00:00.123Z"
        let parsed = try #require(RFC3339.parse(text))
        #expect(RFC3339.format(parsed) == text)
        let time = Timestamp(milliseconds: Self.base + 86_400_000 * 40 + 7)
        #expect(RFC3339.parse(RFC3339.format(time)) == time)
        #expect(RFC3339.format(Timestamp(milliseconds: -1)) == "1969-12-31T23:59:59.999Z")
    }
}
