import Logging

/// The gateway's log handler: `StreamLogHandler`'s lines on standard error, with its metadata
/// formatted when a line is written rather than whenever it changes.
///
/// Hummingbird gives every request's logger a request id (`logger[metadataKey:] = ...`);
/// `StreamLogHandler` formats all of its metadata into text on every such change, which the
/// one-alert-per-POST profile showed on every request (about 1 % of the CPU), although at the
/// default level almost no request writes a line. Here the metadata is only kept, and handed
/// to the stream handler with the line, which formats it then: the lines are the same.
public struct LogOutput: LogHandler {
    private var stream: StreamLogHandler
    public var metadata: Logger.Metadata = [:]

    public var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    /// Lines on standard error.
    public init(label: String, level: Logger.Level) {
        self.init(StreamLogHandler.standardError(label: label), level: level)
    }

    /// Lines through `stream`, whose own metadata is left empty.
    public init(_ stream: StreamLogHandler, level: Logger.Level) {
        self.stream = stream
        self.stream.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        stream.log(event: event)
    }
}
