/// A fixture that is missing or malformed.
public struct OTLPFixtureError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
