import AlertgateCore
import Testing

@Suite("A heartbeat's state machine: pings, sweeps and the changes they make")
struct HeartbeatTests {
    let hour = Duration.seconds(3600)
    func at(_ seconds: Int64) -> Timestamp { Timestamp(milliseconds: 1_795_000_000_000 + seconds * 1000) }
    func heartbeat() -> Heartbeat {
        Heartbeat(spec: HeartbeatSpec(name: "backup", service: "backups", schedule: .every(.seconds(600)), grace: .seconds(60), declared: true),
                  createdAt: at(0))
    }

    @Test func onTimeLateMissedAndBack() {
        var beat = heartbeat()
        #expect(beat.deadline == at(660), "a declared heartbeat never pinged is due a period and a grace after it was made")
        #expect(beat.record(.success, at: at(100)) == nil)
        #expect(beat.state == .up && beat.expectedAt == at(700) && beat.deadline == at(760))
        #expect(beat.sweep(now: at(699)) == nil && beat.status(at: at(699)) == "up")
        #expect(beat.sweep(now: at(720)) == nil && beat.status(at: at(720)) == "late", "within the grace: late, no alert")
        #expect(beat.sweep(now: at(760)) == .missed(deadline: at(760)))
        #expect(beat.state == .missed && beat.deadline == nil)
        #expect(beat.sweep(now: at(10_000)) == nil, "missed once, not at every sweep")
        #expect(beat.record(.success, at: at(10_001)) == .recovered(from: .missed))
        #expect(beat.state == .up && beat.deadline == at(10_661))
    }

    @Test func failAndStart() {
        var beat = heartbeat()
        #expect(beat.record(.start, at: at(10)) == nil)
        #expect(beat.status(at: at(20)) == "running" && beat.deadline == at(70), "a run must end within the grace")
        #expect(beat.record(.fail, at: at(30)) == .failed)
        #expect(beat.state == .failed && beat.startedAt == nil && beat.lastFailAt == at(30) && beat.deadline == nil)
        #expect(beat.record(.fail, at: at(40)) == .failed, "a second failure repeats the alert")
        #expect(beat.record(.start, at: at(50)) == nil && beat.state == .failed, "a start does not end a failure")
        #expect(beat.record(.success, at: at(60)) == .recovered(from: .failed))
        #expect(beat.record(.start, at: at(100)) == nil)
        #expect(beat.sweep(now: at(160)) == .missed(deadline: at(160)), "a start with no end within the grace is a miss")
        #expect(beat.pings == 6)
    }

    @Test func cronScheduleAdoptAndUnwatch() throws {
        var beat = Heartbeat(spec: HeartbeatSpec(name: "report", schedule: .cron(try CronSchedule(parsing: "0 3 * * *")), grace: hour),
                             createdAt: try #require(RFC3339.parse("2026-12-01T12:00:00Z")))
        _ = beat.record(.success, at: try #require(RFC3339.parse("2026-12-02T03:00:05Z")))
        #expect(beat.expectedAt?.rfc3339 == "2026-12-03T03:00:00.000Z" && beat.deadline?.rfc3339 == "2026-12-03T04:00:00.000Z")

        // Another gateway took a failure: the stored row is taken, and its state.
        var other = beat
        _ = other.record(.fail, at: try #require(RFC3339.parse("2026-12-02T05:00:00Z")))
        var mine = beat
        mine.adopt(other)
        #expect(mine == other)
        // Declared settings stay this gateway's; a ping-made heartbeat's come from the row.
        var declared = beat
        declared.spec.declared = true
        declared.adopt(other)
        #expect(declared.spec.declared && declared.state == .failed)

        // No longer declared: the failure's alert resolves, and it is left up.
        #expect(mine.unwatch() == .unwatched(from: .failed))
        #expect(mine.state == .up && mine.unwatch() == nil)
    }

    @Test func signalsNameTheHeartbeatAndItsService() {
        var beat = heartbeat()
        _ = beat.record(.success, at: at(100))
        let missed = beat.signal(for: .missed(deadline: at(760)), at: at(761))
        #expect(missed.status == .firing && missed.severity == .critical && missed.service == "backups" && missed.source == .heartbeat)
        #expect(missed.labels["alertname"] == "HeartbeatMissed" && missed.dedupKey == "heartbeat:backup")
        #expect(missed.description?.contains(at(100).rfc3339) == true)
        let failed = beat.signal(for: .failed, at: at(800), detail: "pg_dump: connection refused")
        #expect(failed.labels["alertname"] == "HeartbeatFailed" && failed.description == "pg_dump: connection refused")
        let back = beat.signal(for: .recovered(from: .failed), at: at(900))
        #expect(back.status == .resolved && back.dedupKey == missed.dedupKey)
        #expect(DetectedBy(missed) == .heartbeat)
    }
}
