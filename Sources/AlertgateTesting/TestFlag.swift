import Synchronization

/// A flag one task sets and another reads: a feeder told to stop, a step that has happened.
public final class TestFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }

    public func set() { flag.store(true, ordering: .sequentiallyConsistent) }
}
