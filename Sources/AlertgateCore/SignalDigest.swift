/// What a signal says apart from its times: two signals of one alert with the same digest
/// differ only in when they were sent, so the later one is a repeat that can fold into its
/// alert's counts instead of being stored as a signal of its own (`CorrelationConfig.foldRepeats`).
///
/// FNV-1a 64 over every field but `occurredAt` and `endsAt`, each field ended by 0xFF and
/// labels in name order, so the digest is the same across restarts and is stored with the
/// alert. The format is frozen: changing it makes every firing alert's next repeat a signal once.
extension Signal {
    public var contentDigest: UInt64 {
        digest { field in
            func fields(_ pairs: UnsafeMutableBufferPointer<(key: String, value: String)>) {
                for (name, value) in pairs {
                    var name = name, value = value
                    name.withUTF8 { field($0) }
                    value.withUTF8 { field($0) }
                }
            }
            // String order, as the frozen format has it: byte order for names in ASCII
            // (Prometheus's always are), sorted again by `String` for any other.
            labels.withPairsInByteOrder { pairs, namesAreASCII in
                var pairs = pairs
                if !namesAreASCII { pairs.sort { $0.key < $1.key } }
                fields(pairs)
            }
        }
    }

    /// The same digest, its labels read from `packed`, which must be this signal's labels packed:
    /// a new alert packs them anyway, and this spares the sort. Names in ASCII (Prometheus's
    /// always are) are in `String` order there too; others are sorted as `contentDigest` does.
    public func contentDigest(packed: PackedLabels) -> UInt64 {
        assert(packed == PackedLabels(labels), "the packed labels are not this signal's")
        guard packed.namesAreASCII else { return contentDigest }
        return digest { field in
            packed.forEachPair { name, value in
                field(name)
                field(value)
            }
        }
    }

    /// The digest, `labels` passing each label's name and value, in order, to the field it is given.
    private func digest(labels: ((UnsafeBufferPointer<UInt8>) -> Void) -> Void) -> UInt64 {
        var hash = FNV1a64()
        func field(_ bytes: UnsafeBufferPointer<UInt8>) {
            hash.combine(bytes)
            hash.combine(byte: 0xFF)
        }
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
        labels { field($0) }
        field(dedupKey)
        for link in links {
            field(link.href)
            field(link.text)
        }
        field(sender)
        // Its text's bytes, as `field` takes them, without making the string of a hash.
        if let fingerprint {
            fingerprint.withUTF8 { field($0) }
        } else {
            field(nil)
        }
        // Never 0: 0 stands for "no digest known" in `AlertState.digest`.
        return hash.value == 0 ? 1 : hash.value
    }
}
