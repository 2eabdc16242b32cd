/// A value stored as a small integer code (signal kinds, decisions, severities, ...). Codes are
/// part of the stored format: never renumber or reuse one.
public protocol StoredCode: CaseIterable {
    var code: Int { get }
}

extension StoredCode {
    /// The value stored as `code`; nil for a code no value has (a row `RowDecoding` rejects).
    public init?(code: Int) {
        guard let value = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = value
    }
}
