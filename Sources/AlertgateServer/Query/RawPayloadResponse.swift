import AlertgateCodecs
import AlertgateCore
import Hummingbird

/// A stored payload as the `/raw` routes answer it: the body as it was received, or one
/// datagram of a batch received over UDP (stored framed, many to a payload).
enum RawPayloadResponse {
    /// Where the datagram's position came from: a client's `?item=` (out of range is the
    /// client's mistake) or a stored signal (out of range means the row and its payload disagree).
    enum Item {
        case asked(Int)
        case stored(Int)
    }

    /// Headers that keep stored bytes inert when a browser opens them: whatever `Content-Type`
    /// a sender gave (`text/html` included), nothing in them runs, sniffs or frames this origin.
    static let inert: HTTPFields = [
        .xContentTypeOptions: "nosniff",
        .contentSecurityPolicy: "default-src 'none'; sandbox",
    ]

    static func response(_ payload: RawPayload, item: Item?) throws -> Response {
        guard payload.contentType == DatagramFrames.contentType, let item else {
            if case .asked = item {
                throw APIError.invalidParameter("item", "picks a datagram of a batch received over UDP; payload \(payload.id) is one body")
            }
            var headers = inert
            headers[.contentType] = payload.contentType.isEmpty ? "application/octet-stream" : payload.contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: payload.bytes)))
        }
        let corrupt = APIError(.internalServerError, code: "corrupt_payload", message: "the stored datagrams of payload \(payload.id) do not unframe")
        guard let frames = DatagramFrames.decode(payload.bytes) else { throw corrupt }
        switch item {
        case .asked(let index) where !frames.indices.contains(index):
            let held = frames.isEmpty ? "no datagrams" : "datagrams 0 to \(frames.count - 1)"
            throw APIError.invalidParameter("item", "payload \(payload.id) holds \(held)")
        case .stored(let index) where !frames.indices.contains(index):
            throw corrupt
        case .asked(let index), .stored(let index):
            let type = payload.source == .syslog ? "text/plain; charset=utf-8" : "application/json"
            var headers = inert
            headers[.contentType] = type
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: frames[index])))
        }
    }
}
