/// Why the pipeline could not take or finish a job.
public enum PipelineError: Error, Equatable, Sendable {
    /// The queue is full: answer 503 with Retry-After, never accept and drop.
    case overloaded
    /// The gateway is shutting down and takes no new work.
    case shuttingDown
    /// The transaction holding the job failed; nothing of it was stored.
    case storeFailed(String)
}
