/// An optional `Timestamp` in the 8 bytes of its milliseconds: `Timestamp?` takes 9, padded
/// to 16 beside other fields. `LiveAlert` holds four, for each of the firing alerts the
/// correlator keeps. `Int64.min` milliseconds (some 292 million years BC) stands for nil: a
/// time set to exactly that reads back as nil.
@propertyWrapper
public struct CompactTimestamp: Hashable, Sendable {
    private static let none = Int64.min
    private var milliseconds: Int64

    public init(wrappedValue: Timestamp?) {
        milliseconds = wrappedValue?.milliseconds ?? Self.none
    }

    public var wrappedValue: Timestamp? {
        get { milliseconds == Self.none ? nil : Timestamp(milliseconds: milliseconds) }
        set { milliseconds = newValue?.milliseconds ?? Self.none }
    }
}
