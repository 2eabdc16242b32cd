@testable import AlertgateCore
import Foundation
import Testing

@Suite("Why: a reason given as a template and numbers reads as the same sentence as text")
struct WhyTests {
    /// Every sentence the correlator makes from a template, filled, against the sentence it
    /// formatted before templates (written out here): what users read has not changed.
    @Test func theCorrelatorsTemplatesSayWhatTheirSentencesSaid() {
        let cases: [(Why.Template, Why.Numbers, String)] = [
            (.repeatOfAlert, Why.Numbers(1200, 7), "Alert 1200 with this fingerprint is firing; repeat 7."),
            (.foldRepeat, Why.Numbers(3, 41), "3 arrival(s) of the same message, folded together on receipt into alert 41."),
            (.resolveSignal, Why.Numbers(2), "The sender resolved alert 2."),
            (.resolveWithoutAlert, Why.Numbers(), "No alert with this fingerprint is firing; the resolve is kept and changes nothing."),
            (.acknowledgeSignal, Why.Numbers(5, 6), "The sender acknowledged alert 5; incident 6 is acknowledged."),
            (.acknowledgeWithoutAlert, Why.Numbers(),
             "No alert with this fingerprint is firing; the acknowledgement is kept and changes nothing."),
            (.change, Why.Numbers(), "Change events are kept as rollback candidates and open no incident."),
            (.attachFiring, Why.Numbers(12, 3), "Incident 12 of key svc-00 has 3 firing alert(s)."),
            (.flapping, Why.Numbers(12), "Incident 12 of key svc-00 is held open while its alerts flap."),
            (.attachWindow, Why.Numbers(12), "Incident 12 of key svc-00 saw a signal within correlation_window."),
            (.attachLate, Why.Numbers(12), "The signal's own time falls inside incident 12, resolved since; it is filed there."),
            (.reopen, Why.Numbers(12), "Incident 12 of key svc-00 was resolved within reopen_window; it reopens."),
            (.open, Why.Numbers(), "No incident of key svc-00 is active, within correlation_window, or within reopen_window."),
        ]
        for (template, numbers, sentence) in cases {
            #expect(Why(rule: "r", key: "svc-00", template, numbers).detail == sentence)
        }
    }

    /// The correlator fills each template with the right numbers, in the right order: the
    /// reasons of a life of two alerts, read as their sentences. (The first incident is
    /// another service's, so that no incident's id equals its alerts'.)
    @Test func theCorrelatorsReasonsNameTheirAlertsAndIncidents() throws {
        var correlator = Correlator(config: CorrelationConfig(foldRepeats: false))
        func why(_ signal: Signal, at seconds: Int64) -> String? { ingest(&correlator, signal, at: seconds).why?.detail }
        _ = why(alert("db", "DiskFull"), at: 0)
        #expect(why(alert("api", "Slow"), at: 1) == "No incident of key api is active, within correlation_window, or within reopen_window.")
        #expect(why(alert("api", "Errors"), at: 10) == "Incident 2 of key api has 1 firing alert(s).")
        #expect(why(alert("api", "Errors"), at: 20) == "Alert 3 with this fingerprint is firing; repeat 2.")
        #expect(why(alert("api", "Errors", status: .acknowledged), at: 30) == "The sender acknowledged alert 3; incident 2 is acknowledged.")
        #expect(why(alert("api", "Slow", status: .resolved), at: 40) == "The sender resolved alert 2.")
        #expect(why(alert("api", "Slow", status: .resolved), at: 41)
            == "No alert with this fingerprint is firing; the resolve is kept and changes nothing.")
        #expect(why(alert("api", "Errors", status: .resolved), at: 50) == "The sender resolved alert 3.")
        #expect(why(alert("api", "Latency"), at: 60) == "Incident 2 of key api was resolved within reopen_window; it reopens.")
    }

    @Test func aTemplatesReasonEqualsAndEncodesAsItsText() throws {
        let template = Why.Template("Incident {n} of key {key} has {n} firing alert(s); {n} left.")
        #expect(template.numberCount == 3)
        #expect(template.marked == "Incident \u{2} of key \u{1} has \u{2} firing alert(s); \u{2} left.")
        let made = Why(rule: "r", key: "k-é", window: "w", windowSeconds: 60, template, Why.Numbers(0, -5, Int64.max))
        let text = Why(rule: "r", key: "k-é", window: "w", windowSeconds: 60,
                       detail: "Incident 0 of key k-é has -5 firing alert(s); 9223372036854775807 left.")
        #expect(made.detail == text.detail)
        #expect(made == text)
        #expect(made.hashValue == text.hashValue)
        #expect(made.template?.template === template)
        #expect(text.template == nil)
        var changed = made
        changed.key = "other"
        #expect(changed != text, "the key is part of the sentence")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(made)
        #expect(encoded == (try encoder.encode(text)))
        #expect(try JSONDecoder().decode(Why.self, from: encoded) == made)
        // Setting the sentence replaces the template.
        changed = made
        changed.detail = "By hand."
        #expect(changed.template == nil && changed.detail == "By hand.")
    }
}
