import AlertgateCore

/// Reassembles chunked GELF messages from UDP datagrams: a state machine with no clock and no
/// socket. The listener feeds it each chunk with the time it arrived and carries out the
/// answer (decode a complete payload, count a drop); it calls `expire(now:)` now and then.
///
/// Chunks may arrive in any order and twice. A message whose chunks have not all arrived
/// within `timeout` (5 s) of its first is dropped. Memory is bounded: at most
/// `maxPendingMessages` partial messages holding at most `maxPendingBytes` of payload, and
/// no message over `maxMessageBytes`. When a new chunk would pass a bound, the partial
/// messages whose first chunk arrived earliest are evicted first, so a flood of chunks that
/// never complete costs bounded memory and cannot shut real messages out: a message only
/// loses its chunks if more than `maxPendingMessages` other partial messages (or more than
/// `maxPendingBytes` of their chunks) arrive between its first chunk and its last.
///
/// Apart from payloads, each partial message keeps a fixed overhead of one pointer per
/// announced chunk (at most 128), so the bookkeeping is bounded by `maxPendingMessages` too.
public struct GELFChunkAssembler: Sendable {
    /// How long a message may take to arrive in full, counted from its first chunk.
    public let timeout: Duration
    /// The most partial messages held at once.
    public let maxPendingMessages: Int
    /// The most payload bytes held in partial messages, all together.
    public let maxPendingBytes: Int
    /// The largest joined payload accepted.
    public let maxMessageBytes: Int

    /// Partial messages whose first chunks were evicted to keep within the bounds, so far.
    public private(set) var evicted = 0
    /// Partial messages dropped for arriving too slowly, so far: those `expire(now:)`
    /// dropped and those found stale when another of their chunks arrived.
    public private(set) var expired = 0
    /// Payload bytes held in partial messages now.
    public private(set) var pendingBytes = 0

    private var partials: [UInt64: GELFPartialMessage] = [:]
    /// Message ids in the order their first chunks arrived, with the serial that tells a live
    /// entry from one whose message has since completed or been dropped (skipped lazily).
    private var arrivals: [(id: UInt64, serial: UInt64)] = []
    private var arrivalsHead = 0
    private var nextSerial: UInt64 = 0
    private var recent: GELFRecentMessages

    /// - Parameters:
    ///   - timeout: how long a message may take to arrive in full (GELF says 5 seconds).
    ///   - maxPendingMessages: the most partial messages held at once.
    ///   - maxPendingBytes: the most payload bytes held in partial messages together.
    ///   - maxMessageBytes: the largest joined payload accepted.
    public init(
        timeout: Duration = .seconds(5), maxPendingMessages: Int = 1024,
        maxPendingBytes: Int = 32 << 20, maxMessageBytes: Int = 8 << 20
    ) {
        self.timeout = timeout
        self.maxPendingMessages = max(1, maxPendingMessages)
        self.maxPendingBytes = max(0, maxPendingBytes)
        self.maxMessageBytes = max(0, maxMessageBytes)
        self.recent = GELFRecentMessages(capacity: self.maxPendingMessages, window: timeout)
    }

    /// Partial messages held now.
    public var pendingMessages: Int { partials.count }

    /// Takes one chunk datagram (header included) that arrived at `now`.
    public mutating func add(_ datagram: [UInt8], at now: Timestamp) -> GELFChunkResult {
        let header: GELFChunkHeader
        switch GELFChunkHeader.parse(datagram) {
        case .success(let parsed): header = parsed
        case .failure(let drop): return .rejected(drop)
        }
        let payload = datagram[GELFChunkHeader.size...]
        let id = header.messageID

        if let partial = partials[id], isExpired(partial, at: now) {
            remove(id)
            expired += 1
        }
        guard var partial = partials[id] else {
            return start(header, payload: payload, at: now)
        }
        guard header.sequenceCount == partial.sequenceCount else { return .rejected(.countMismatch) }
        guard !partial.holds(header.sequenceNumber) else { return .rejected(.duplicate) }
        guard partial.bytes + payload.count <= maxMessageBytes else {
            remove(id)
            return .rejected(.messageTooLarge)
        }
        if partial.lacksOnlyOne {
            let joined = partial.joined(adding: payload, at: header.sequenceNumber)
            remove(id)
            recent.insert(id, at: now)
            return .complete(joined)
        }
        guard makeRoom(bytes: payload.count, keeping: id) else {
            remove(id)
            return .rejected(.overLimit)
        }
        // Moved out while it changes so the dictionary does not copy its storage.
        partials[id] = nil
        partial.hold(payload, at: header.sequenceNumber)
        partials[id] = partial
        pendingBytes += payload.count
        return .pending
    }

    /// Drops the partial messages whose first chunk arrived more than `timeout` before `now`
    /// and returns how many it dropped.
    public mutating func expire(now: Timestamp) -> Int {
        let stale = partials.filter { isExpired($0.value, at: now) }.map(\.key)
        for id in stale {
            remove(id)
        }
        expired += stale.count
        compactArrivals()
        return stale.count
    }

    /// The first chunk of a message not held yet.
    private mutating func start(_ header: GELFChunkHeader, payload: ArraySlice<UInt8>, at now: Timestamp) -> GELFChunkResult {
        if recent.contains(header.messageID, at: now) { return .rejected(.duplicate) }
        guard payload.count <= maxMessageBytes else { return .rejected(.messageTooLarge) }
        if header.sequenceCount == 1 {
            recent.insert(header.messageID, at: now)
            return .complete(Array(payload))
        }
        guard makeRoom(bytes: payload.count, keeping: nil) else { return .rejected(.overLimit) }
        while partials.count >= maxPendingMessages, evictOldest(keeping: nil) {}
        var partial = GELFPartialMessage(firstArrival: now, serial: nextSerial, sequenceCount: header.sequenceCount)
        partial.hold(payload, at: header.sequenceNumber)
        partials[header.messageID] = partial
        pendingBytes += payload.count
        arrivals.append((header.messageID, nextSerial))
        nextSerial += 1
        compactArrivals()
        return .pending
    }

    private func isExpired(_ partial: GELFPartialMessage, at now: Timestamp) -> Bool {
        now.since(partial.firstArrival) > timeout
    }

    /// Evicts the oldest partial messages (never `kept`) until `bytes` more fit in
    /// `maxPendingBytes`; false, having evicted nothing, when they could never fit.
    private mutating func makeRoom(bytes: Int, keeping kept: UInt64?) -> Bool {
        let keptBytes = kept.flatMap { partials[$0]?.bytes } ?? 0
        guard keptBytes + bytes <= maxPendingBytes else { return false }
        while pendingBytes + bytes > maxPendingBytes, evictOldest(keeping: kept) {}
        return pendingBytes + bytes <= maxPendingBytes
    }

    /// Evicts the partial message whose first chunk arrived earliest, other than `kept`;
    /// false when there is none.
    private mutating func evictOldest(keeping kept: UInt64?) -> Bool {
        var index = arrivalsHead
        while index < arrivals.count {
            let entry = arrivals[index]
            let live = partials[entry.id]?.serial == entry.serial
            if live && entry.id != kept {
                remove(entry.id)
                evicted += 1
                if index == arrivalsHead { arrivalsHead += 1 }
                return true
            }
            // Dead entries at the front are consumed; the kept one stays where it is.
            if !live && index == arrivalsHead { arrivalsHead += 1 }
            index += 1
        }
        return false
    }

    /// Forgets a partial message and the bytes it held; its arrival entry is skipped later.
    private mutating func remove(_ id: UInt64) {
        guard let partial = partials.removeValue(forKey: id) else { return }
        pendingBytes -= partial.bytes
    }

    /// Drops consumed and dead arrival entries once they outnumber the live ones, so the
    /// queue stays within about twice `maxPendingMessages` at amortized constant cost.
    private mutating func compactArrivals() {
        guard arrivals.count > 2 * partials.count + 64 else { return }
        arrivals = arrivals[arrivalsHead...].filter { partials[$0.id]?.serial == $0.serial }
        arrivalsHead = 0
    }
}
