import Foundation

/// The real `alertgate` binary run as a child process, for tests that restart or kill it.
public final class GatewayProcess: @unchecked Sendable {
    public let process: Process
    public let logPath: String
    public private(set) var baseURL = ""

    /// The built `alertgate` executable: `$ALERTGATE_BIN`, or the one next to the test bundle.
    public static func binaryPath() -> String {
        if let path = ProcessInfo.processInfo.environment["ALERTGATE_BIN"] { return path }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = folder.appendingPathComponent("alertgate").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/alertgate").standardized.path
    }

    /// Starts `alertgate serve` on port 0 with `arguments` added, and waits until it listens.
    public init(arguments: [String], logPath: String, timeout: Duration = .seconds(30)) async throws {
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binaryPath())
        let udp = arguments.contains { $0.hasSuffix("-port") && $0 != "--port" } ? [] : ["--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"]
        process.arguments = ["serve", "--port", "0"] + udp + arguments
        process.standardOutput = log
        process.standardError = log
        try ProcessLaunch.run(process)
        let found = try await eventually(timeout: timeout) { [logPath] in
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            return text.contains("alertgate listening on http://") || !self.process.isRunning
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard found, let range = text.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
            process.terminate()
            throw GatewayProcessError(message: "alertgate did not start; its log:\n\(text)")
        }
        baseURL = String(text[range])
    }

    public var client: TestHTTPClient { TestHTTPClient(baseURL: baseURL) }

    /// SIGTERM, then waits for a graceful exit; returns the exit status.
    @discardableResult
    public func terminate() async throws -> Int32 {
        process.terminate()
        return try await waitForExit()
    }

    /// SIGKILL: the process gets no chance to clean up.
    public func kill() async throws {
        Foundation.kill(process.processIdentifier, SIGKILL)
        _ = try await waitForExit()
    }

    private func waitForExit() async throws -> Int32 {
        _ = try await eventually(timeout: .seconds(30)) { !self.process.isRunning }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }
}

public struct GatewayProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
