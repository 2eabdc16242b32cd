import Foundation

/// A task executor with one thread of its own. The pipeline's loop runs on it (`run(named:_:)`),
/// so the loop no longer waits in the cooperative pool's queue behind the request tasks it has
/// just answered, and the writer waits less for the next batch. The thread still shares the
/// machine's cores with the pool, NIO's event loops and the writer.
///
/// Jobs run one at a time, in the order they were enqueued. Once `stop()` is called the thread
/// ends after the jobs it holds; a job enqueued after that goes to the global concurrent
/// executor (and may run beside those still draining), so no task is left without a thread.
///
/// `@unchecked Sendable`: `jobs` and `stopped` are only touched under `condition`.
final class PipelineThread: TaskExecutor, @unchecked Sendable {
    /// Guards `jobs` and `stopped`, and wakes the thread.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    /// Runs `body` preferring a new thread named `name`, which ends when `body` returns.
    static func run<Result: Sendable>(named name: String, _ body: () async throws -> Result) async rethrows -> Result {
        let thread = PipelineThread(name: name)
        // This may run on the thread itself (in the body's last job), so `stop` only asks it to
        // end and never waits for it.
        defer { thread.stop() }
        return try await withTaskExecutorPreference(thread, operation: body)
    }

    /// Starts the thread, which runs until `stop()` (and holds this object until then).
    /// `name` is what `top -H` and `/proc/PID/task/*/comm` show (15 bytes at most).
    init(name: String) {
        let thread = Thread { [self] in
            Self.nameCurrentThread(name)
            runJobs()
        }
        thread.start()
    }

    /// Gives the calling thread `name` in the kernel. Not through `Thread.name`: on Linux its
    /// setter names the thread only once the thread that started it has stored its handle, which
    /// under load it sometimes has not yet (the thread then kept its starter's name,
    /// `oot.default-qos`).
    private static func nameCurrentThread(_ name: String) {
        #if os(Linux)
        if let comm = FileHandle(forWritingAtPath: "/proc/thread-self/comm") {
            try? comm.write(contentsOf: Data(name.utf8))
            try? comm.close()
        }
        #else
        Thread.current.name = name
        #endif
    }

    func enqueue(_ job: consuming ExecutorJob) {
        condition.lock()
        if stopped {
            condition.unlock()
            globalConcurrentExecutor.enqueue(job)
            return
        }
        jobs.append(UnownedJob(job))
        // The thread waits only when it has nothing to run.
        if jobs.count == 1 { condition.signal() }
        condition.unlock()
    }

    /// Asks the thread to end once the jobs it holds have run; returns at once.
    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func runJobs() {
        let executor = asUnownedTaskExecutor()
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
            for job in running { job.runSynchronously(on: executor) }
            running.removeAll(keepingCapacity: true)
        }
    }
}
