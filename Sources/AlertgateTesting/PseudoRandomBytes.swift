/// Deterministic pseudo-random bytes (xorshift64*), so a failure can be reproduced.
public func pseudoRandomBytes(count: Int, seed: UInt64) -> [UInt8] {
    var state = seed | 1
    var out: [UInt8] = []
    out.reserveCapacity(count)
    while out.count < count {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        let value = state &* 0x2545_F491_4F6C_DD1D
        withUnsafeBytes(of: value) { out.append(contentsOf: $0.prefix(count - out.count)) }
    }
    return out
}
