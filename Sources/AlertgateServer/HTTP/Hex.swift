/// Lowercase hex of bytes: digests in the config (token hashes) and on the wire (signatures).
enum Hex {
    static func string(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
