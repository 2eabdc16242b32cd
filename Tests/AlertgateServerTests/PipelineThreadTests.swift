@testable import AlertgateServer
import Foundation
import Testing

/// The pipeline loop's executor: what runs under its preference runs on its one named thread,
/// in order, and a task that still prefers it once it stopped goes on elsewhere.
@Suite struct PipelineThreadTests {
    @Test func workPreferringItRunsOnItsOwnNamedThreadAcrossSuspensions() async {
        let thread = PipelineThread(name: "ag-test-loop")
        defer { thread.stop() }
        let names = await withTaskExecutorPreference(thread) {
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
        let thread = PipelineThread(name: "ag-test-order")
        defer { thread.stop() }
        let children = await withTaskExecutorPreference(thread) {
            await withTaskGroup(of: (Int, String?).self) { group in
                // One thread: each child runs to its end before the next starts, in queue order.
                for i in 0..<20 { group.addTask { (i, currentThreadName()) } }
                var children: [(Int, String?)] = []
                for await child in group { children.append(child) }
                return children
            }
        }
        #expect(children.map(\.0) == Array(0..<20))
        #expect(children.allSatisfy { $0.1 == "ag-test-order" })
    }

    @Test(.timeLimit(.minutes(1))) func aTaskStillPreferringItAfterItStoppedIsNotStranded() async {
        let thread = PipelineThread(name: "ag-test-stop")
        thread.stop()
        // Give the thread time to end; the jobs below then go to the global executor.
        try? await Task.sleep(for: .milliseconds(50))
        let result = await withTaskExecutorPreference(thread) {
            await Task.yield()
            return currentThreadName() == "ag-test-stop"
        }
        #expect(result == false)
    }
}

/// The name of the thread running the caller (a synchronous function: async code may not ask).
private func currentThreadName() -> String? {
    Thread.current.name
}
