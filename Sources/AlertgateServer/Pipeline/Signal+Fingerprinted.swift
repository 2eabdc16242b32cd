import AlertgateCore

extension Signal {
    /// The signal with its fingerprint computed. `IngestPipeline.request` calls this in the
    /// callers' tasks, so hashing runs in parallel and not on the pipeline's single loop.
    var fingerprinted: Signal {
        var copy = self
        if copy.fingerprint == nil { copy.fingerprint = Fingerprint.of(self) }
        return copy
    }
}
