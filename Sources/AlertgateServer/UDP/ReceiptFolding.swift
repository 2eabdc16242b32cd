import AlertgateCore

/// The signals of one stored batch of datagrams, log lines of one masked message folded on
/// receipt: the first of a fingerprint (and severity) is a signal, the others its repeats,
/// placed by `Correlator.foldArrivals` as one fold. A flood of one line then costs the
/// pipeline one signal per batch, whatever its rate, and its decoder one header scan per
/// line (`DatagramDecoder.repeatKey`). Other kinds (JSON events) are each a signal, as their
/// content may differ under one fingerprint.
struct ReceiptFolding {
    /// A log signal's fingerprint (its hash: log fingerprints are 16 hex digits) and severity.
    struct Key: Hashable {
        var hash: UInt64
        var severity: Severity
    }

    private(set) var signals: [(item: Int, signal: Signal)] = []
    /// Items by the position of their signal in `signals`.
    private(set) var repeats: [Int: [Int]] = [:]
    private var leads: [Key: Int] = [:]

    /// Counts `item` as a repeat when a signal of this batch has its key; false when none has,
    /// and the datagram is to be decoded (and `add`ed).
    mutating func addRepeat(_ key: Key, item: Int) -> Bool {
        guard let lead = leads[key] else { return false }
        repeats[lead, default: []].append(item)
        return true
    }

    mutating func add(_ signal: Signal, item: Int) {
        var signal = signal
        guard signal.kind == .log else {
            signals.append((item, signal))
            return
        }
        // Computed once here, and not again by the correlator.
        let fingerprint = Fingerprint.of(signal)
        signal.fingerprint = fingerprint
        guard let hash = fingerprint.hashValue64 else {
            signals.append((item, signal))
            return
        }
        let key = Key(hash: hash, severity: signal.severity)
        if let lead = leads[key] {
            repeats[lead, default: []].append(item)
        } else {
            leads[key] = signals.count
            signals.append((item, signal))
        }
    }
}
