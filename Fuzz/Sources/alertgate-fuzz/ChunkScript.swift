/// The input of the `gelf-chunks` target: datagrams and the time between them, as records of
///
///     step: UInt8 | length: UInt16, big-endian | datagram: `length` bytes
///
/// Before its datagram arrives the clock moves on by `(step & 0x7F) × 100 ms` (up to 12.7 s,
/// past the 5 s timeout), and with the high bit of `step` set the assembler's `expire(now:)`
/// runs first. A last record cut short takes the bytes that are left. `scripts/fuzz-seeds`
/// writes seeds in this form from the captured datagrams in fixtures/gelf-udp.
struct ChunkScript {
    struct Step {
        var advance: Duration
        var expire: Bool
        var datagram: [UInt8]
    }

    static func steps(of input: [UInt8]) -> [Step] {
        var steps: [Step] = []
        var index = 0
        while index + 3 <= input.count {
            let step = input[index]
            let length = Int(input[index + 1]) << 8 | Int(input[index + 2])
            index += 3
            let end = min(input.count, index + length)
            steps.append(Step(advance: .milliseconds(100 * Int(step & 0x7F)), expire: step & 0x80 != 0, datagram: Array(input[index..<end])))
            index = end
        }
        return steps
    }
}
