import Foundation

/// A task executor with one thread of its own: the pipeline's loop runs on it
/// (`withTaskExecutorPreference`), so the loop does not wait in the cooperative pool's queue
/// behind the request tasks it has just answered, and the writer does not wait for the loop.
///
/// Jobs run in the order they were enqueued. Once `stop()` is called the thread ends after the
/// jobs it holds; a job enqueued after that goes to the global concurrent executor, so no task
/// is ever left without a thread.
final class PipelineThread: TaskExecutor, @unchecked Sendable {
    /// Guards `jobs` and `stopped`, and wakes the thread.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    /// Starts the thread; `name` is what `top -H` and `/proc/PID/task/*/comm` show (15 bytes at most).
    init(name: String) {
        let thread = Thread { [self] in
            Thread.current.name = name
            runJobs()
        }
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        guard !stopped else {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Ends the thread once the jobs it holds have run.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        var running: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty, !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            swap(&running, &jobs)
            condition.unlock()
            for job in running { job.runSynchronously(on: asUnownedTaskExecutor()) }
            running.removeAll(keepingCapacity: true)
        }
    }
}
