/// Why the pipeline could not take or finish a job.
public enum PipelineError: Error, Equatable, Sendable {
    /// The queue is full: answer 503 with Retry-After, never accept and drop.
    case overloaded
    /// The gateway is shutting down and takes no new work.
    case shuttingDown
    /// The transaction holding the job failed; nothing of it was stored.
    case storeFailed(String)
    /// The store cannot be read since a failed commit: jobs are turned away until it can.
    case storeUnavailable

    /// The cause counted in `alertgate_rejected_total` when a job is turned away.
    var rejectionCause: String {
        switch self {
        case .overloaded: "queue_full"
        case .shuttingDown: "shutting_down"
        case .storeFailed: "store_failed"
        case .storeUnavailable: "store_unavailable"
        }
    }
}
