/// The jobs waiting for the pipeline, and whether the expiry tick asked for a pass. Bounded:
/// a full queue refuses (HTTP answers 503 with Retry-After), it never accepts and drops.
struct PipelineQueue {
    /// What one batch takes: jobs up to the signal limit, and the expiry pass if due.
    struct Work {
        var jobs: [PipelineJob]
        var expire: Bool
    }

    let capacity: Int
    /// Most signals taken into one batch (group commit); one job always fits.
    let maxBatchSignals: Int
    private(set) var jobs: [PipelineJob] = []
    private(set) var expiryDue = false
    private(set) var closed = false
    /// Jobs are turned away while the store cannot be read.
    private(set) var refusing = false

    init(capacity: Int, maxBatchSignals: Int) {
        self.capacity = capacity
        self.maxBatchSignals = maxBatchSignals
    }

    var hasWork: Bool { !jobs.isEmpty || (expiryDue && !closed) }

    /// Why a job would be turned away now; nil when `append` takes it.
    var refusal: PipelineError? {
        if closed { return .shuttingDown }
        if refusing { return .storeUnavailable }
        if jobs.count >= capacity { return .overloaded }
        return nil
    }

    /// Queues `job`, or says why not.
    mutating func append(_ job: consuming PipelineJob) -> PipelineError? {
        if let refusal { return refusal }
        jobs.append(job)
        return nil
    }

    /// The expiry tick fired. Ticks do not pile up while the pipeline is busy: one pass covers
    /// them all, since it expires by the time it runs at.
    mutating func expiryTick() {
        if !closed { expiryDue = true }
    }

    /// Takes the work of one batch: waiting jobs in order, up to `maxBatchSignals` signals (a
    /// first job heavier than that alone). With `room`, for a batch that already holds some,
    /// only jobs within that many signals.
    mutating func take(room: Int? = nil) -> Work {
        var weight = 0
        var count = 0
        for job in jobs {
            if count > 0 || room != nil, weight + job.weight > (room ?? maxBatchSignals) { break }
            weight += job.weight
            count += 1
        }
        let taken = Array(jobs.prefix(count))
        jobs.removeFirst(count)
        defer { expiryDue = false }
        return Work(jobs: taken, expire: expiryDue && !closed)
    }

    /// Whether `take(room:)` would take a job: one waits, and it weighs no more than `room`.
    func nextJobFits(room: Int) -> Bool {
        guard let first = jobs.first else { return false }
        return first.weight <= room
    }

    /// Turns jobs away until `accept`; returns those waiting, to be answered.
    mutating func refuse() -> [PipelineJob] {
        refusing = true
        return takeAll()
    }

    mutating func accept() {
        refusing = false
    }

    /// Takes no more jobs; returns those still waiting, to be answered.
    mutating func close() -> [PipelineJob] {
        closed = true
        return takeAll()
    }

    private mutating func takeAll() -> [PipelineJob] {
        defer { jobs.removeAll() }
        return jobs
    }

    /// Takes no more jobs but keeps those waiting, to be drained.
    mutating func closeForDraining() {
        closed = true
    }
}
