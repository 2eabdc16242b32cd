import AlertgateCore
import AlertgateStorage
import Testing

@Suite("The notification outbox on both stores: rows written with their transitions, claimed in order per incident and receiver")
struct NotificationOutboxTests {
    static func feed(routes: [Route]) -> Feed {
        var feed = Feed()
        feed.correlator.notifications = NotificationPolicy(
            receivers: ["hook", "chat"].map { Receiver(name: $0, kind: .webhook, url: "http://127.0.0.1:9/\($0)") }, routes: routes)
        return feed
    }

    @Test(arguments: StoreKind.allCases)
    func eachDeliveryIsARowOfTheTransactionThatMadeItsTransition(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Self.feed(routes: [Route(name: "all", receivers: ["hook", "chat"], groupWait: .seconds(10))])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down"), at: 0))]))
            let rows = try await store.notifications(incidentID: 1)
            #expect(rows.map(\.receiver) == ["hook", "chat"])
            #expect(rows.allSatisfy { $0.kind == .incidentOpened && $0.transitionSequence == 1 && $0.status == .pending && $0.attempts == 0 })
            #expect(rows.allSatisfy { $0.dueAt == at(10) && $0.route == "all" && $0.transitionAt == at(0) })
            #expect(try await store.pendingNotificationCount() == 2)
            #expect(try await store.nextNotificationDue() == at(10))
            // Not due before the group wait.
            #expect(try await store.claimDueNotifications(now: at(9), leaseUntil: at(20), limit: 10).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aPairIsDeliveredInOrderAndALeaseHoldsAClaimedRow(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Self.feed(routes: [Route(name: "all", receivers: ["hook"], groupWait: .zero)])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down"), at: 0))]))
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .acknowledge), at: at(1)))]))
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("db", "Down"), at: 2))]))
            // The api incident's acknowledgement waits behind its opening; db's opening goes now.
            let first = try await store.claimDueNotifications(now: at(5), leaseUntil: at(15), limit: 10)
            #expect(first.map { [$0.incidentID, Int64($0.kind.code)] } == [[1, 1], [2, 1]])
            #expect(first.allSatisfy { $0.attempts == 1 && $0.lastAttemptAt == at(5) })
            // Claimed rows are leased: nothing more until their results are recorded.
            #expect(try await store.claimDueNotifications(now: at(6), leaseUntil: at(16), limit: 10).isEmpty)
            try await store.recordDelivery(id: first[0].id, .delivered(at: at(6), repeatAt: nil))
            let next = try await store.claimDueNotifications(now: at(7), leaseUntil: at(17), limit: 10)
            #expect(next.map(\.kind) == [.incidentAcknowledged])
            // Past its lease, a row the sender still holds (its attempt outran the lease) is not claimed twice.
            #expect(try await store.claimDueNotifications(now: at(15), leaseUntil: at(25), limit: 10, excluding: [first[1].id]).isEmpty)
            // A crash before db's result was recorded: after the lease it is claimed again, same id.
            let again = try await store.claimDueNotifications(now: at(15), leaseUntil: at(25), limit: 10)
            #expect(again.map(\.id) == [first[1].id] && again.first?.attempts == 2)
            #expect(again.first?.idempotencyKey == first[1].idempotencyKey)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retriesFailuresAndRepeatsAreRecorded(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Self.feed(routes: [Route(name: "all", receivers: ["hook"], groupWait: .zero, repeatInterval: .seconds(1800))])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down"), at: 0))]))
            let row = try #require(try await store.claimDueNotifications(now: at(0), leaseUntil: at(10), limit: 10).first)
            #expect(row.repeatInterval == .seconds(1800))
            try await store.recordDelivery(id: row.id, .retry(at: at(1), error: "HTTP 503", retryAt: at(3)))
            var stored = try #require(try await store.notifications(incidentID: 1).first)
            #expect(stored.status == .pending && stored.lastError == "HTTP 503" && stored.dueAt == at(3))
            let retried = try #require(try await store.claimDueNotifications(now: at(3), leaseUntil: at(13), limit: 10).first)
            try await store.recordDelivery(id: retried.id, .delivered(at: at(4), repeatAt: at(1804)))
            let rows = try await store.notifications(incidentID: 1)
            stored = rows[0]
            #expect(stored.status == .delivered && stored.deliveredAt == at(4) && stored.lastError == nil && stored.attempts == 2)
            // One repeat of the same message, due after the interval.
            #expect(rows.count == 2 && rows[1].isRepeat && rows[1].dueAt == at(1804) && rows[1].kind == .incidentOpened)
            #expect(rows[1].transitionSequence == stored.transitionSequence)
            // A second delivery with a repeat moves the pending repeat rather than adding one.
            try await store.recordDelivery(id: stored.id, .delivered(at: at(5), repeatAt: at(1805)))
            #expect(try await store.notifications(incidentID: 1).count == 2)
            try await store.recordDelivery(id: rows[1].id, .cancelled(at: at(6), reason: "the incident is acknowledged now"))
            try await store.recordDelivery(id: stored.id, .failed(at: at(7), error: "gave up"))
            #expect(try await store.notifications(status: .cancelled, beforeID: nil, limit: 10).map(\.id) == [rows[1].id])
            #expect(try await store.notifications(status: .failed, beforeID: nil, limit: 10).first?.lastError == "gave up")
            let counts = try await store.notificationCounts(from: at(-60), to: at(60))
            #expect(counts.overall == NotificationCounts(delivered: 0, failed: 1, pending: 0, cancelled: 1))
            #expect(counts.byService["api"]?.failed == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anEscalationWaitingBehindTheFirstMessageIsFoldedIntoIt(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Self.feed(routes: [Route(name: "all", receivers: ["hook"], groupWait: .seconds(30))])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Slow", severity: .warning), at: 0))]))
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down", severity: .critical), at: 5))]))
            #expect(try await store.notifications(incidentID: 1).map(\.kind) == [.incidentOpened, .incidentEscalated])
            let claimed = try await store.claimDueNotifications(now: at(30), leaseUntil: at(40), limit: 10)
            #expect(claimed.map(\.kind) == [.incidentOpened])
            let rows = try await store.notifications(incidentID: 1)
            #expect(rows[1].status == .folded)
            #expect(rows[1].lastError?.contains("carried by notification \(rows[0].id)") == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aScheduledRepeatHoldsNoLaterMessageBack(kind: StoreKind) async throws {
        try await withTemporaryStore(kind) { store in
            var feed = Self.feed(routes: [Route(name: "all", receivers: ["hook"], groupWait: .zero, repeatInterval: .seconds(4 * 3600))])
            try await store.commit(StoreBatch(entries: [.ingest(feed.record(alert("api", "Down"), at: 0))]))
            let opened = try #require(try await store.claimDueNotifications(now: at(0), leaseUntil: at(10), limit: 10).first)
            try await store.recordDelivery(id: opened.id, .delivered(at: at(1), repeatAt: at(1 + 4 * 3600)))
            // Scheduled, not tried: neither pending in the gauge nor in the stats.
            #expect(try await store.pendingNotificationCount() == 0)
            #expect(try await store.notificationCounts(from: at(-60), to: at(60)).overall == NotificationCounts(delivered: 1))
            try await store.commit(StoreBatch(entries: [.outcome(try feed.correlator.apply(IncidentCommand(incidentID: 1, action: .acknowledge), at: at(30)))]))
            // The acknowledgement goes now, not after the repeat four hours later.
            let next = try await store.claimDueNotifications(now: at(31), leaseUntil: at(41), limit: 10)
            #expect(next.map(\.kind) == [.incidentAcknowledged] && next.allSatisfy { !$0.isRepeat })
        }
    }
}
