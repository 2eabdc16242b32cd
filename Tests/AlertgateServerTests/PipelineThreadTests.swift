@testable import AlertgateServer
import Foundation
import Synchronization
import Testing

/// The pipeline loop's executor: what runs under its preference runs on its one named thread,
/// in order; what it holds when stopped still runs; a task that prefers it once it stopped goes
/// on elsewhere. A lost job would hang its test, hence the time limit.
@Suite(.timeLimit(.minutes(1))) struct PipelineThreadTests {
    @Test func workPreferringItRunsOnItsOwnNamedThreadAcrossSuspensions() async {
        let names = await PipelineThread.run(named: "ag-test-loop") {
            var names: [String?] = []
            for _ in 0..<5 {
                names.append(currentThreadName())
                await Task.yield()
            }
            return names
        }
        #expect(names == Array(repeating: "ag-test-loop", count: 5))
    }

    @Test func childTasksRunOnItTooInTheOrderTheyWereQueued() async {
        let children = await PipelineThread.run(named: "ag-test-order") {
            await withTaskGroup(of: (Int, String?).self) { group in
                // One thread: each child runs to its end before the next starts, in queue order.
                for i in 0..<20 { group.addTask { (i, currentThreadName()) } }
                var children: [(Int, String?)] = []
                for await child in group { children.append(child) }
                return children
            }
        }
        #expect(children.map(\.0) == Array(0..<20))
        #expect(children.allSatisfy { $0.1 == "ag-test-order" }, "\(children.map(\.1))")
    }

    @Test func jobsItHoldsWhenStoppedStillRunOnIt() async {
        let thread = PipelineThread(name: "ag-test-drain")
        let waiting = Waiting()
        let names = await withTaskExecutorPreference(thread) {
            await withTaskGroup(of: String?.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        await withCheckedContinuation { continuation in waiting.tasks.withLock { $0.append(continuation) } }
                        return currentThreadName()
                    }
                }
                while waiting.tasks.withLock({ $0.count }) < 10 { await Task.yield() }
                // In one job: each child woken is queued on the thread, then the thread is
                // stopped with the ten held.
                for continuation in waiting.tasks.withLock({ $0 }) { continuation.resume() }
                thread.stop()
                var names: [String?] = []
                for await name in group { names.append(name) }
                return names
            }
        }
        #expect(names == Array(repeating: "ag-test-drain", count: 10))
    }

    @Test func aTaskPreferringItAfterItStoppedRunsElsewhere() async {
        let thread = PipelineThread(name: "ag-test-stop")
        thread.stop()
        let name = await withTaskExecutorPreference(thread) {
            await Task.yield()
            return currentThreadName()
        }
        #expect(name != "ag-test-stop")
    }
}

/// Tasks waiting to be woken.
private final class Waiting: Sendable {
    let tasks = Mutex<[CheckedContinuation<Void, Never>]>([])
}

/// The kernel's name of the thread running the caller (what `top -H` shows).
func currentThreadName() -> String? {
    (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
}
