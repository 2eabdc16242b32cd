import AlertgateCore
@testable import AlertgateServer
import Foundation
import Testing

/// Each receiver's request for one fixed message, field for field against the files in
/// fixtures/notifications (golden files: `ALERTGATE_UPDATE_GOLDEN=1` rewrites them, and the
/// diff is then reviewed like code).
@Suite struct ReceiverRequestsTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fixtures/notifications")

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(milliseconds: 1_795_924_800_000 + seconds * 1000) }

    static let incident = IncidentState(
        id: 42, key: "checkout", title: "PostgresDown", status: .open, severity: .sev1, type: .outage, service: "checkout",
        services: ["checkout", "payments-db"], owner: "payments", detectedBy: .monitoring, openedAt: at(0), lastActivity: at(90),
        signalCount: 5, alertCount: 2, reportCount: 0, oncall: "payments-primary", labels: ["alertname": "PostgresDown", "region": "eu"])

    static let alerts = [
        AlertState(id: 7, fingerprint: Fingerprint("5bd1d4c4c2a6f1e3"), incidentID: 42, status: .firing, kind: .alert, service: "payments-db",
                   title: "PostgresDown", severity: .critical, labels: ["alertname": "PostgresDown", "instance": "db-1:9187", "service.name": "payments-db"],
                   firstSeen: at(0), lastSeen: at(90), resolvedAt: nil, count: 3),
        AlertState(id: 8, fingerprint: Fingerprint("0f3e2a9b7c6d5e41"), incidentID: 42, status: .resolved, kind: .alert, service: "checkout",
                   title: "CheckoutErrors <5xx>", severity: .error, labels: ["alertname": "CheckoutErrors"],
                   firstSeen: at(10), lastSeen: at(40), resolvedAt: at(70), count: 2),
    ]

    static var suspects: [SuspectChanges.Suspect] {
        let change = StoredChange(signalID: 3, service: "checkout", title: "deploy checkout v2.4.1", description: "rollout by ci",
                                  at: at(-600), sender: "ci", links: [])
        return SuspectChanges(incident: incident, catalog: ServiceCatalog(), lookback: .seconds(7200)).rank([change])
    }

    static func message(_ kind: Transition.Kind, detail: String? = nil, isRepeat: Bool = false, status: IncidentStatus = .open) -> NotificationMessage {
        var incident = incident
        incident.status = status
        if status == .resolved { incident.resolvedAt = at(300) }
        let notification = StoredNotification(
            id: 9, transitionSequence: 31, kind: kind, transitionAt: at(95), detail: detail, incidentID: 42, receiver: "r",
            route: "payments", isRepeat: isRepeat, createdAt: at(95), dueAt: at(95), attempts: 1)
        return NotificationMessage(notification: notification, incident: incident, alerts: alerts, suspects: suspects,
                                   baseURL: "https://alertgate.example", runbook: "https://runbooks.example/checkout", sentAt: at(100))
    }

    static let receivers: [String: Receiver] = [
        "webhook": Receiver(name: "payments-hook", kind: .webhook, url: "https://hooks.example/alertgate", headers: ["X-Team": "payments"],
                            secret: "s3cret"),
        "slack": Receiver(name: "chat", kind: .slack, url: "https://hooks.slack.example/services/T0/B0/x", channel: "#incidents"),
        "alertmanager": Receiver(name: "team-am", kind: .alertmanager, url: "http://127.0.0.1:9093"),
        "pagerduty": Receiver(name: "pager", kind: .pagerduty, url: Receiver.pagerDutyEventsURL, routingKey: "R0UTINGKEY"),
    ]

    /// Compares with the golden file, or writes it when asked to.
    static func expectGolden(_ request: OutboundRequest, _ name: String) throws {
        let url = folder.appendingPathComponent("\(name).json")
        let headers = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        let pretty = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(request.body)),
                                                options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        let text = "POST \(request.url)\n\(headers)\n\n\(String(decoding: pretty, as: UTF8.self))\n"
        if ProcessInfo.processInfo.environment["ALERTGATE_UPDATE_GOLDEN"] != nil {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        #expect(text == golden, "the \(name) request differs from fixtures/notifications/\(name).json")
    }

    @Test(arguments: ["webhook", "slack", "alertmanager", "pagerduty"])
    func anOpenedIncident(_ kind: String) throws {
        let request = try #require(ReceiverRequests.request(for: Self.message(.incidentOpened), to: Self.receivers[kind]!))
        try Self.expectGolden(request, "\(kind)-opened")
        #expect(request.header("Idempotency-Key") == "alertgate-notification-9")
        #expect(request.header("Content-Type") == "application/json")
    }

    @Test(arguments: ["webhook", "alertmanager", "pagerduty"])
    func aResolvedIncident(_ kind: String) throws {
        let request = try #require(ReceiverRequests.request(for: Self.message(.incidentResolved, status: .resolved), to: Self.receivers[kind]!))
        try Self.expectGolden(request, "\(kind)-resolved")
    }

    @Test func theWebhookSignatureIsHMACSHA256OfTheBody() throws {
        // RFC 4231, test case 2.
        #expect(ReceiverRequests.signature(Array("what do ya want for nothing?".utf8), secret: "Jefe")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let request = ReceiverRequests.request(for: Self.message(.incidentEscalated, detail: "SEV3 → SEV1"), to: Self.receivers["webhook"]!)!
        #expect(request.header("X-Alertgate-Signature") == "sha256=" + ReceiverRequests.signature(request.body, secret: "s3cret"))
        #expect(request.header("X-Alertgate-Event") == "incident_escalated")
        #expect(request.header("X-Team") == "payments")
        var unsigned = Self.receivers["webhook"]!
        unsigned.secret = nil
        #expect(ReceiverRequests.request(for: Self.message(.incidentOpened), to: unsigned)?.header("X-Alertgate-Signature") == nil)
    }

    @Test func pagerDutyActionsFollowTheTransition() throws {
        func action(_ kind: Transition.Kind, isRepeat: Bool = false) -> String? {
            ReceiverRequests.request(for: Self.message(kind, isRepeat: isRepeat), to: Self.receivers["pagerduty"]!)
                .flatMap { try? JSONSerialization.jsonObject(with: Data($0.body)) as? [String: Any] }?["event_action"] as? String
        }
        #expect(action(.incidentOpened) == "trigger")
        #expect(action(.incidentOpened, isRepeat: true) == "trigger")
        #expect(action(.escalationStep) == "trigger")
        #expect(action(.incidentAcknowledged) == "acknowledge")
        #expect(action(.incidentResolved) == "resolve")
        #expect(action(.incidentClosed) == "resolve")
        // PagerDuty has no event for a status update.
        #expect(action(.publicUpdate) == nil)
    }

    @Test func alertmanagerLabelNamesAreMadeValid() {
        #expect(ReceiverRequests.labelName("service.name") == "service_name")
        #expect(ReceiverRequests.labelName("9lives") == "_lives")
        #expect(ReceiverRequests.labelName("k8s_pod") == "k8s_pod")
        #expect(ReceiverRequests.labelName("") == "_")
    }
}
