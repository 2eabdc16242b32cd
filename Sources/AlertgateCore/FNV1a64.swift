/// FNV-1a, 64 bit: the hash Alertmanager uses for label-set fingerprints.
public struct FNV1a64: Sendable {
    public static let offsetBasis: UInt64 = 14_695_981_039_346_656_037
    public static let prime: UInt64 = 1_099_511_628_211

    public private(set) var value: UInt64 = FNV1a64.offsetBasis

    public init() {}

    public mutating func combine(byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* Self.prime
    }

    public mutating func combine(_ text: String) {
        // Over the contiguous bytes: iterating `utf8` goes through the string's representation at
        // every byte.
        var text = text
        text.withUTF8 { combine($0) }
    }

    public mutating func combine(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { combine(byte: byte) }
    }
}
