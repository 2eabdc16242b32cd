/// What a GELF UDP datagram holds, told by its first bytes, and the JSON of a complete
/// message. Decompression is passed in (codecs do not link zlib): the server passes
/// `Zlib.decompress` with its size limit.
///
/// A datagram flows: `kind(of:)` is `.chunk` → `GELFChunkAssembler.add` until `.complete`;
/// the complete payload (or an unchunked datagram) → `messageBytes` → `GELFCodec.decode`.
public enum GELFDatagram {
    /// The framing of a datagram or of a reassembled payload.
    public enum Kind: Hashable, Sendable {
        /// A chunk of a larger message: starts with `0x1e 0x0f`.
        case chunk
        /// gzip (RFC 1952): starts with `0x1f 0x8b`.
        case gzip
        /// zlib (RFC 1950): the first two bytes, big-endian, are a multiple of 31 and the low
        /// nibble of the first is 8 (deflate), usually `0x78 0x9c`.
        case zlib
        /// Anything else, taken as uncompressed JSON.
        case plain
    }

    /// The framing of `bytes`, by the detection rules of GELF (shared/FORMATS.md).
    public static func kind(of bytes: [UInt8]) -> Kind {
        guard bytes.count >= 2 else { return .plain }
        let first = bytes[0]
        let second = bytes[1]
        if GELFChunkHeader.hasMagic(bytes) { return .chunk }
        if first == 0x1F && second == 0x8B { return .gzip }
        if first & 0x0F == 8 && (UInt16(first) << 8 | UInt16(second)) % 31 == 0 { return .zlib }
        return .plain
    }

    /// The JSON bytes of a complete message: an unchunked datagram or the payload the
    /// assembler joined. gzip and zlib go through `inflate` (its second argument says gzip);
    /// plain bytes are returned as they are.
    ///
    /// - Throws: whatever `inflate` throws, unchanged (so the caller can tell a payload over
    ///   its size limit from a corrupt one), and `CodecError.gelfChunkNotReassembled` for a
    ///   chunk, which must go through `GELFChunkAssembler` first.
    public static func messageBytes(
        _ payload: [UInt8], inflate: (_ compressed: [UInt8], _ gzip: Bool) throws -> [UInt8]
    ) throws -> [UInt8] {
        switch kind(of: payload) {
        case .chunk: throw CodecError.gelfChunkNotReassembled
        case .gzip: return try inflate(payload, true)
        case .zlib: return try inflate(payload, false)
        case .plain: return payload
        }
    }
}
