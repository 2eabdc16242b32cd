/// A person's action on an incident. Commands go through the pipeline like signals, so the
/// timeline keeps one order.
public struct IncidentCommand: Hashable, Sendable {
    public enum Action: String, CaseIterable, Sendable {
        case acknowledge, resolve, close, reopen, note
        /// A status update: `note` is its text; `isPublic` shows it on the status page.
        case update
    }

    public var incidentID: Int64
    public var action: Action
    public var by: String?
    public var note: String?
    /// For updates: whether users may read it (the status page, public receivers).
    public var isPublic: Bool

    public init(incidentID: Int64, action: Action, by: String? = nil, note: String? = nil, isPublic: Bool = false) {
        self.incidentID = incidentID
        self.action = action
        self.by = by
        self.note = note
        self.isPublic = isPublic
    }
}

/// Why a command could not be carried out.
public struct CommandError: Error, Hashable, Sendable {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case invalidTransition = "invalid_transition"
        case missingNote = "missing_note"
        case missingText = "missing_text"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
