/// A person's action on an incident. Commands go through the pipeline like signals, so the
/// timeline keeps one order.
public struct IncidentCommand: Hashable, Sendable {
    public enum Action: String, CaseIterable, Sendable {
        case acknowledge, resolve, close, reopen, note
    }

    public var incidentID: Int64
    public var action: Action
    public var by: String?
    public var note: String?

    public init(incidentID: Int64, action: Action, by: String? = nil, note: String? = nil) {
        self.incidentID = incidentID
        self.action = action
        self.by = by
        self.note = note
    }
}

/// Why a command could not be carried out.
public struct CommandError: Error, Hashable, Sendable {
    public enum Code: String, Sendable {
        case notFound = "not_found"
        case invalidTransition = "invalid_transition"
        case missingNote = "missing_note"
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}
