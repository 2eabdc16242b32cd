import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// What every ingest route does around its codec: read the body within the limits, store the
/// good signals with their original bytes through the pipeline, and map failures to answers.
struct Ingestor: Sendable {
    let pipeline: IngestPipeline
    let bodyReader: RequestBodyReader
    let clock: any WallClock
    let metrics: GatewayMetrics

    /// The body, decompressed within the limits; rejected bodies are counted by the path they
    /// came to.
    func read(_ request: Request, source: SignalSource) async throws -> [UInt8] {
        do {
            return try await bodyReader.read(request)
        } catch let error as APIError {
            metrics.rejected(error.status == .contentTooLarge ? "too_large" : "invalid_encoding", source: source.rawValue)
            if let limit = error.limit { metrics.limitHit(limit) }
            throw error
        }
    }

    /// Counts a body that did not decode (and the limit it passed, if that was why) and turns
    /// it into a 400.
    func invalid(_ error: CodecError, source: SignalSource) -> APIError {
        metrics.rejected("invalid_body", source: source.rawValue)
        if let limit = error.limit { metrics.limitHit(limit) }
        return APIError.badRequest(error)
    }

    /// Stores `signals` with the body they came in; returns after the commit, with the signals as
    /// placed (their outcomes read only if wanted). The signals are taken over: the pipeline
    /// prepares them in place when theirs is the only reference to the array
    /// (`IngestPipeline.request`), and moves them into the batch it stores.
    func store(_ body: [UInt8], contentType: String?, source: SignalSource, signals: consuming [(item: Int, signal: Signal)],
               receivedAt: Timestamp) async throws -> IngestReceipt {
        // A resend repeats its first alert: by default the body is compressed against the last
        // one that started with it.
        let request = pipeline.request(body: body, source: source, contentType: contentType ?? "", receivedAt: receivedAt, signals: signals)
        do {
            return try await pipeline.submit(consume request)
        } catch {
            throw APIError.from(error)
        }
    }

    /// Counts the bad items of a batch, and the limits that made some of them bad.
    func countInvalidItems(_ errors: [CodecError], source: SignalSource) {
        guard !errors.isEmpty else { return }
        metrics.rejected("invalid_item", source: source.rawValue, count: Int64(errors.count))
        for error in errors { if let limit = error.limit { metrics.limitHit(limit) } }
    }

    /// Stores the good items of a batch and answers like `/api/v1/events`: 202 with results and
    /// errors, or 400 when no item was good.
    func storeBatch(_ batch: consuming DecodedBatch, body: [UInt8], contentType: String?, source: SignalSource,
                    receivedAt: Timestamp) async throws -> Response {
        countInvalidItems(batch.errors, source: source)
        guard !batch.signals.isEmpty else {
            var error = APIError.badRequest(batch.errors.first ?? CodecError(code: "empty_body", message: "the body holds no items"))
            error.items = batch.errors
            throw error
        }
        let items = batch.signals.map(\.item)
        let outcomes = try await store(body, contentType: contentType, source: source, signals: batch.takeSignals(), receivedAt: receivedAt)
            .outcomes
        return JSONOutput.response(IngestResponse(items: items, outcomes: outcomes, errors: batch.errors), status: .accepted)
    }
}
