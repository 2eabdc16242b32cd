@testable import AlertgateServer
import Logging
import Synchronization
import Testing

/// The gateway's log handler writes what `StreamLogHandler` writes, metadata included.
@Suite struct LogOutputTests {
    /// Lines written, kept for the test.
    final class Lines: TextOutputStream, @unchecked Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var written: String { text.withLock { $0 } }
    }

    /// The line without its leading timestamp (the first word).
    static func withoutTime(_ text: String) -> String {
        String(text.drop { $0 != " " })
    }

    /// What a request's logger goes through: Hummingbird's request id, then a line.
    static func requestLines(_ logger: inout Logger) {
        logger[metadataKey: "hb.request.id"] = "42"
        logger[metadataKey: "route"] = "/api/v2/alerts"
        logger.warning("commit failed", metadata: ["error": "disk full", "route": "overridden"])
        logger.debug("below the level: not written")
    }

    @Test func linesAreThoseOfTheStreamHandlerWithTheLoggersAndTheLinesMetadata() {
        let ours = Lines()
        let theirs = Lines()
        var logger = Logger(label: "alertgate") { label in
            LogOutput(StreamLogHandler(label: label, stream: ours, metadataProvider: nil), level: .info)
        }
        var reference = Logger(label: "alertgate") { label in
            var handler = StreamLogHandler(label: label, stream: theirs, metadataProvider: nil)
            handler.logLevel = .info
            return handler
        }
        Self.requestLines(&logger)
        Self.requestLines(&reference)
        #expect(ours.written.contains("hb.request.id=42"))
        #expect(ours.written.contains("route=overridden"))
        #expect(!ours.written.contains("below the level"))
        #expect(Self.withoutTime(ours.written) == Self.withoutTime(theirs.written))
        #expect(logger[metadataKey: "route"] == "/api/v2/alerts")
        #expect(logger.logLevel == .info)
    }

    @Test func aLineWithoutMetadataHasNone() {
        let ours = Lines()
        let logger = Logger(label: "alertgate") { label in
            LogOutput(StreamLogHandler(label: label, stream: ours, metadataProvider: nil), level: .notice)
        }
        logger.notice("pipeline started")
        #expect(Self.withoutTime(ours.written) == " notice alertgate: [AlertgateServerTests] pipeline started\n")
    }
}
