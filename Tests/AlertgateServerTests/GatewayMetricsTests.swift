import AlertgateCore
import AlertgateServer
import Testing

/// `/metrics` names each metric in full, with its type and help (API.md lists the names).
@Suite struct GatewayMetricsTests {
    @Test func theExpositionNamesEachMetricWithItsTypeAndHelp() throws {
        let metrics = GatewayMetrics()
        metrics.rejected("queue_full", source: "alertmanager_api", count: 3)
        let text = String(decoding: metrics.exposition(queueDepth: 4, pendingNotifications: 2, openIncidents: [.sev2: 1]), as: UTF8.self)
        let lines = Set(text.split(separator: "\n").map(String.init))

        #expect(lines.contains("# TYPE alertgate_signals_total counter"))
        #expect(lines.contains("# HELP alertgate_signals_total Signals committed, by the pipeline's decision."))
        #expect(lines.contains(#"alertgate_signals_total{decision="opened"} 0"#))
        #expect(lines.contains("# TYPE alertgate_queue_depth gauge"))
        #expect(lines.contains("alertgate_queue_depth 4.0"))
        #expect(lines.contains("alertgate_notifications_pending 2.0"))
        #expect(lines.contains(#"alertgate_open_incidents{severity="SEV2"} 1.0"#))
        #expect(lines.contains("# TYPE alertgate_commit_duration_seconds histogram"))
        #expect(lines.contains("# TYPE alertgate_commit_batch_signals histogram"))
        #expect(lines.contains(#"alertgate_rejected_total{source="alertmanager_api",cause="queue_full"} 3"#))
        #expect(lines.contains(#"alertgate_config_reloads_total{result="success"} 0"#))
    }
}
