import AlertgateCore
import AlertgateServer
import Testing

/// `retention:`: ages as the config writes durations, `off` to keep forever, errors that name the key.
@Suite struct RetentionConfigTests {
    @Test func theDefaultsKeepAMonthAQuarterAndAYear() throws {
        let retention = try ConfigLoader.parse(yaml: "").retention
        #expect(retention.payloads == .seconds(30 * 86_400))
        #expect(retention.signals == .seconds(90 * 86_400))
        #expect(retention.incidents == .seconds(365 * 86_400))
        #expect(retention.interval == .seconds(3600) && retention.batch == 1000)
        #expect(retention.isEnabled)
    }

    @Test func everyKeyIsRead() throws {
        let retention = try ConfigLoader.parse(yaml: "retention: {payloads: 7d, signals: 2160h, incidents: 400d, interval: 15m, batch: 250}").retention
        #expect(retention.payloads == .seconds(7 * 86_400))
        #expect(retention.signals == .seconds(90 * 86_400))
        #expect(retention.incidents == .seconds(400 * 86_400))
        #expect(retention.interval == .seconds(900) && retention.batch == 250)
    }

    @Test func offZeroFalseAndEmptyKeepForever() throws {
        let retention = try ConfigLoader.parse(yaml: """
            retention:
              payloads: off
              signals: 0
              incidents:
            """).retention
        #expect(retention.payloads == nil && retention.signals == nil && retention.incidents == nil)
        #expect(!retention.isEnabled)
        #expect(try ConfigLoader.parse(yaml: "retention: {payloads: false, signals: \"off\"}").retention.signals == nil)
    }

    @Test func theCutoffsAreAgesBackFromNow() {
        var retention = RetentionConfig()
        retention.signals = nil
        let now = Timestamp(milliseconds: 100 * 86_400_000)
        #expect(retention.cutoffs(at: now) == RetentionCutoffs(payloadsBefore: Timestamp(milliseconds: 70 * 86_400_000),
                                                               incidentsClosedBefore: Timestamp(milliseconds: -265 * 86_400_000)))
    }

    @Test(arguments: [
        ("retention: {payloads: 30m}", "retention.payloads"),
        ("retention: {signals: 90}", "retention.signals"),
        ("retention: {incidents: soon}", "retention.incidents"),
        ("retention: {incidents: true}", "retention.incidents"),
        ("retention: {interval: 0}", "retention.interval"),
        ("retention: {batch: 0}", "retention.batch"),
        ("retention: {batch: 100000}", "retention.batch"),
        ("retention: {raw: 30d}", "retention.raw"),
        ("retention: 30d", "retention"),
    ])
    func aBadValueNamesItsKey(_ yaml: String, _ key: String) {
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(yaml: yaml) }
        do {
            _ = try ConfigLoader.parse(yaml: yaml)
        } catch let error as ConfigError {
            #expect(error.key == key, "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
