/// The classifier's verdicts remembered by everything its rules read of a signal, so that the
/// rules run once per kind of alert rather than once per alert.
///
/// A batch of new alerts mostly repeats a few alert names, services and severities; their
/// verdicts are the same, and the rules (a dozen conditions, some regular expressions) were the
/// largest part of correlating a new alert. The key holds every value `Classifier.verdict(for:)`
/// reads, so two signals with equal keys get equal verdicts:
/// - the signal's source, service, severity and kind (the conditions' fields; the catalog's
///   tier and the `source`, `service`, `kind` matchers read only these);
/// - what the matchers of every rule see under their label names (`matchValue`, which falls
///   back to the title for `alertname` and to the field for `severity`);
/// - the raw `tier` label and the severity label (`ClassificationRules.severityLabel`).
///
/// It belongs to one classifier: `Correlator` makes a new memo whenever its classifier changes.
struct VerdictMemo: Sendable {
    /// Verdicts kept before the memo starts over, so a flood of distinct label values costs
    /// only the rules it would have cost anyway, never unbounded memory.
    static let capacity = 4_096

    private struct Key: Hashable {
        let source: SignalSource
        let service: String
        let severity: Severity
        let kind: SignalKind
        /// `matchValue` of each of `matcherNames`, then the raw value of each of `rawLabels`.
        let values: [String?]
    }

    /// The label names the rules' matchers read, each once.
    private let matcherNames: [String]
    /// The labels read as they are: `tier`, and the severity label when there is one.
    private let rawLabels: [String]
    private var verdicts: [Key: Classifier.Verdict] = [:]

    init(for classifier: Classifier) {
        var names: [String] = []
        let conditions = classifier.rules.typeRules.map(\.condition) + classifier.rules.severityRules.map(\.condition)
        for matcher in conditions.flatMap(\.matchers) where !names.contains(matcher.name) {
            names.append(matcher.name)
        }
        matcherNames = names
        rawLabels = ["tier"] + (classifier.rules.severityLabel.map { [$0] } ?? [])
    }

    /// Verdicts remembered now (at most `capacity`).
    var count: Int { verdicts.count }

    /// `classifier.verdict(for: signal)`, from memory when a signal with the same key came before.
    /// `classifier` must be the one the memo was made for.
    mutating func verdict(for signal: Signal, by classifier: Classifier) -> Classifier.Verdict {
        var values: [String?] = []
        values.reserveCapacity(matcherNames.count + rawLabels.count)
        for name in matcherNames { values.append(signal.matchValue(name)) }
        for name in rawLabels { values.append(signal.labels[name]) }
        let key = Key(source: signal.source, service: signal.service, severity: signal.severity, kind: signal.kind, values: values)
        if let known = verdicts[key] { return known }
        let verdict = classifier.verdict(for: signal)
        if verdicts.count >= Self.capacity { verdicts.removeAll(keepingCapacity: true) }
        verdicts[key] = verdict
        return verdict
    }
}
