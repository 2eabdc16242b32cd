import AlertgateCore

extension OTLPLimits {
    /// The error for a passed limit, naming its config key (also its `limit`, for the counter).
    static func exceeded(_ code: String, _ message: String, key: String) -> CodecError {
        CodecError(code: code, message: "\(message) (\(key))", limit: key)
    }
}
