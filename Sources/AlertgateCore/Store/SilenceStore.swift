/// Where silences are kept, so the API, the Alertmanager API and a restart see the same ones.
public protocol SilenceStore: Sendable {
    /// Every silence, newest first.
    func silences() async throws -> [Silence]
    /// Stores a silence: a new one (`id == 0`) gets the next id; one with an id replaces that
    /// one. Returns it as stored; nil when the id is unknown.
    func save(_ silence: Silence) async throws -> Silence?
    /// Stores each config silence whose `configKey` is not stored yet; those already stored
    /// (perhaps expired through the API since) are left as they are. A stored config silence
    /// the file no longer has ends at `now`.
    func syncConfigSilences(_ silences: [Silence], now: Timestamp) async throws
}
