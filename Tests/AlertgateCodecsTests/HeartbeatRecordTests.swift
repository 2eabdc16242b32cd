import AlertgateCodecs
import AlertgateCore
import Testing

@Suite("A heartbeat's stored record decodes to the signal it raised")
struct HeartbeatRecordTests {
    @Test func everyChangeRoundTrips() throws {
        let start = Timestamp(milliseconds: 1_795_000_000_000)
        for schedule in [HeartbeatSchedule.every(.seconds(86_400)), .cron(try CronSchedule(parsing: "0 3 * * *"))] {
            var beat = Heartbeat(spec: HeartbeatSpec(name: "nightly-backup", service: "backups", schedule: schedule, grace: .seconds(3600)),
                                 createdAt: start)
            _ = beat.record(.success, at: start + .seconds(60))
            for (change, detail) in [(HeartbeatChange.missed(deadline: start + .seconds(90_000)), nil), (.failed, "exit 2:\n\"disk full\"\t\\"),
                                     (.recovered(from: .failed), nil), (.recovered(from: .missed), nil)] {
                let now = start + .seconds(95_000)
                let body = HeartbeatRecord.encode(beat, change: change, at: now, detail: detail)
                #expect(try HeartbeatRecord.decode(body) == beat.signal(for: change, at: now, detail: detail), "\(change)")
            }
        }
    }

    @Test func aDamagedRecordNamesTheField() {
        #expect(throws: CodecError.self) { try HeartbeatRecord.decode(Array(#"{"heartbeat":"x","every":"1h","grace":"1m","event":"gone","at":"2026-12-01T00:00:00Z","created_at":"2026-12-01T00:00:00Z"}"#.utf8)) }
        #expect(throws: CodecError.self) { try HeartbeatRecord.decode(Array(#"{"heartbeat":"x","grace":"1m","event":"failed"}"#.utf8)) }
    }
}
