extension CodecError {
    /// A GELF chunk was handed to the decoder before its message was reassembled.
    public static let gelfChunkNotReassembled = CodecError(
        code: "gelf_chunk",
        message: "the datagram is one chunk of a GELF message (starts with 0x1e 0x0f); reassemble its chunks first")
}
