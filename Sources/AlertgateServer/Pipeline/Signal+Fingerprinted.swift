import AlertgateCore

extension Signal {
    /// Computes the signal's fingerprint when it has none. `IngestPipeline.request` does this in
    /// the callers' tasks, so hashing runs in parallel and not on the pipeline's single loop.
    mutating func computeFingerprint() {
        if fingerprint == nil { fingerprint = Fingerprint.of(self) }
    }

    /// What a signal's place in its request holds once the signal has moved into the batch that
    /// stores it (`PipelineBatch.placeNext`).
    static let taken = Signal(service: "", title: "")

    /// The signal with its fingerprint computed.
    var fingerprinted: Signal {
        var copy = self
        copy.computeFingerprint()
        return copy
    }
}
