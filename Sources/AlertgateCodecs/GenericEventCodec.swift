import Foundation
import AlertgateCore

/// alertgate's own JSON: one event object, an array of them, or NDJSON (one per line).
///
/// Used by `POST /api/v1/events`, `/api/v1/reports` and `/api/v1/changes` (each with its own
/// defaults, see `Flavor`) and by JSON datagrams. Fields are those of API.md; only `title`
/// is required (or `service` with `labels.alertname`).
public struct GenericEventCodec: Sendable {
    /// What the endpoint receives by default.
    public enum Flavor: Sendable {
        case events, reports, changes

        var source: SignalSource {
            switch self {
            case .events: .events
            case .reports: .reports
            case .changes: .changes
            }
        }

        var defaultKind: SignalKind {
            switch self {
            case .events: .alert
            case .reports: .report
            case .changes: .change
            }
        }

        var defaultSeverity: Severity {
            switch self {
            case .events: .error
            case .reports: .warning
            case .changes: .info
            }
        }
    }

    /// Most items one body may hold.
    public static let maxItems = 10_000

    public let flavor: Flavor

    public init(_ flavor: Flavor) {
        self.flavor = flavor
    }

    /// Decodes a body. A body that is not JSON at all throws; bad items are listed in the batch.
    public func decode(_ body: [UInt8], contentType: String?) throws(CodecError) -> DecodedBatch {
        let type = (contentType ?? "").lowercased()
        if type.contains("ndjson") || type.contains("jsonlines") || type.contains("json-seq") {
            return try decodeLines(body)
        }
        let value = try JSONValue.parse(body)
        switch value {
        case .array(let items):
            guard !items.isEmpty else { throw CodecError(code: "empty_body", message: "the array holds no events") }
            guard items.count <= Self.maxItems else {
                throw CodecError(code: "too_many_items", message: "a body may hold at most \(Self.maxItems) items, got \(items.count)", limit: "batch_items")
            }
            var batch = DecodedBatch()
            for (index, item) in items.enumerated() { add(item, at: index, to: &batch) }
            return batch
        case .object:
            var batch = DecodedBatch()
            add(value, at: 0, to: &batch)
            if let error = batch.errors.first { throw error }
            return batch
        default:
            throw CodecError(code: "wrong_type", message: "the body must be a JSON object or an array of objects, got \(value.typeName)")
        }
    }

    private func decodeLines(_ body: [UInt8]) throws(CodecError) -> DecodedBatch {
        guard String(validating: body, as: UTF8.self) != nil else { throw .invalidUTF8 }
        var batch = DecodedBatch()
        var index = 0
        for line in body.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let trimmed = line.last == UInt8(ascii: "\r") ? line.dropLast() : line[...]
            if trimmed.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            guard index < Self.maxItems else {
                throw CodecError(code: "too_many_items", message: "a body may hold at most \(Self.maxItems) items", limit: "batch_items")
            }
            do throws(CodecError) {
                add(try JSONValue.parse(trimmed), at: index, to: &batch)
            } catch {
                batch.errors.append(error.at(index))
            }
            index += 1
        }
        if batch.itemCount == 0 { throw CodecError(code: "empty_body", message: "the body holds no events") }
        return batch
    }

    private func add(_ value: JSONValue, at index: Int, to batch: inout DecodedBatch) {
        do throws(CodecError) {
            batch.signals.append((index, try signal(from: value)))
        } catch {
            batch.errors.append(error.at(index))
        }
    }

    /// One event object to a signal.
    public func signal(from value: JSONValue) throws(CodecError) -> Signal {
        let event = try JSONObjectReader(value)
        var labels = try event.stringMap("labels")

        let kind: SignalKind
        if let text = try event.string("kind", maxBytes: 32) {
            guard let parsed = SignalKind(rawValue: text) else {
                throw .invalidValue("kind", "must be one of \(SignalKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(text)\"")
            }
            kind = parsed
        } else {
            kind = flavor.defaultKind
        }
        let status: SignalStatus
        if let text = try event.string("status", maxBytes: 32) {
            guard let parsed = SignalStatus(rawValue: text.lowercased()) else {
                throw .invalidValue("status", "must be firing, resolved or acknowledged, got \"\(text)\"")
            }
            status = parsed
        } else {
            status = .firing
        }
        let severity: Severity
        if let text = try event.string("severity", maxBytes: 32) {
            guard let parsed = Severity(lenient: text) else {
                throw .invalidValue("severity", "must be one of critical, error, warning, info, got \"\(text)\"")
            }
            severity = parsed
        } else {
            severity = flavor.defaultSeverity
        }

        let explicitService = try event.string("service", maxBytes: 256)
        var description = try event.string("description", maxBytes: 64 * 1024)
        var title = try event.string("title", maxBytes: 1024) ?? (explicitService != nil ? labels["alertname"] : nil)
        if flavor == .reports {
            // What a support tool forwards without a template: the user's words as `text` or
            // `message`, a `subject`, or no title at all (its first line then serves).
            let text = try event.string("text", maxBytes: 64 * 1024), message = try event.string("message", maxBytes: 64 * 1024)
            description = description ?? text ?? message
            if title.map(Self.isBlank) ?? true {
                title = [try event.string("subject", maxBytes: 1024), description.map(Self.headline)].compactMap { $0 }.first { !Self.isBlank($0) }
            }
        }
        guard let title, !Self.isBlank(title) else {
            throw flavor == .reports ? .missing("title (or subject, text, message, description)") : .missing("title")
        }
        let service = explicitService ?? labels["service"] ?? labels["job"] ?? "unknown"

        switch flavor {
        case .reports:
            if let category = try event.string("category", maxBytes: 128) { labels["category"] = category }
            if let reporter = try event.string("reporter", maxBytes: 256) { labels["reporter"] = reporter }
        case .changes:
            for key in ["version", "commit", "environment", "author"] {
                if let value = try event.string(key, maxBytes: 512) { labels[key] = value }
            }
        case .events:
            break
        }

        return Signal(
            kind: kind, source: flavor.source, status: status, service: service, title: title,
            description: description, severity: severity, labels: labels,
            dedupKey: try event.string("dedup_key", maxBytes: 255), occurredAt: try event.time("occurred_at"),
            links: try event.links("links"), sender: try event.string("source", maxBytes: 256))
    }

    /// Nothing but spaces and tabs (a title must hold something else).
    static func isBlank(_ text: String) -> Bool {
        text.trimmingCharacters(in: .whitespaces).isEmpty
    }

    /// A report's title made of its text: the first line that says something, cut at a word
    /// before 120 characters.
    static func headline(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !isBlank($0) } ?? ""
        guard line.count > 120 else { return line }
        let cut = line.prefix(120)
        let words = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return words.trimmingCharacters(in: .whitespaces) + "…"
    }
}
