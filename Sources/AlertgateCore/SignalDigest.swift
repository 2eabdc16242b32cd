/// What a signal says apart from its times: two signals of one alert with the same digest
/// differ only in when they were sent, so the later one is a repeat that can fold into its
/// alert's counts instead of being stored as a signal of its own (`CorrelationConfig.foldRepeats`).
///
/// FNV-1a 64 over every field but `occurredAt` and `endsAt`, each field ended by 0xFF and
/// labels in name order, so the digest is the same across restarts and is stored with the
/// alert. The format is frozen: changing it makes every firing alert's next repeat a signal once.
extension Signal {
    public var contentDigest: UInt64 {
        var hash = FNV1a64()
        func field(_ text: String?) {
            if let text { hash.combine(text) } else { hash.combine(byte: 0xFE) }
            hash.combine(byte: 0xFF)
        }
        field(kind.rawValue)
        field(source.rawValue)
        field(status.rawValue)
        field(service)
        field(title)
        field(description)
        field(severity.rawValue)
        // Sorted in a temporary buffer, as `Fingerprint.labels` does: every repeat computes a
        // digest, and an array of sorted keys (and a lookup per key) cost a malloc and a hash each.
        withUnsafeTemporaryAllocation(of: (key: String, value: String).self, capacity: labels.count) { buffer in
            var pairs = buffer
            _ = pairs.initialize(fromContentsOf: labels)
            defer { pairs.deinitialize() }
            // String order, as the frozen format has it (not byte order, as fingerprints do).
            pairs.sort { $0.key < $1.key }
            for (name, value) in pairs {
                field(name)
                field(value)
            }
        }
        field(dedupKey)
        for link in links {
            field(link.href)
            field(link.text)
        }
        field(sender)
        // Its text's bytes, as `field` takes them, without making the string of a hash.
        if let fingerprint {
            fingerprint.withUTF8 { for byte in $0 { hash.combine(byte: byte) } }
            hash.combine(byte: 0xFF)
        } else {
            field(nil)
        }
        // Never 0: 0 stands for "no digest known" in `AlertState.digest`.
        return hash.value == 0 ? 1 : hash.value
    }
}
