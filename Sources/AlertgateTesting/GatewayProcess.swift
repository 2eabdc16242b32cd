import Foundation

/// The real `alertgate` binary run as a child process, for tests that restart or kill it.
public final class GatewayProcess: @unchecked Sendable {
    public let child: SpawnedProcess
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
        let udp = arguments.contains { $0.hasSuffix("-port") && $0 != "--port" } ? [] : ["--syslog-port", "off", "--gelf-port", "off", "--json-port", "off"]
        child = try SpawnedProcess(Self.binaryPath(), ["serve", "--port", "0"] + udp + arguments, outputPath: logPath)
        let found = try await eventually(timeout: timeout) { [logPath] in
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            return text.contains("alertgate listening on http://") || !self.child.isRunning
        }
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        guard found, let range = text.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else {
            child.send(SIGKILL)
            child.waitUntilExit()
            throw GatewayProcessError(message: "alertgate did not start; its log:\n\(text)")
        }
        baseURL = String(text[range])
    }

    public var client: TestHTTPClient { TestHTTPClient(baseURL: baseURL) }

    /// SIGTERM, then waits for a graceful exit; returns the exit status.
    @discardableResult
    public func terminate() async throws -> Int32 {
        child.send(SIGTERM)
        switch try await waitForExit() {
        case .exited(let status): return status
        case .signalled(let signal): throw GatewayProcessError(message: "alertgate was killed by signal \(signal) after SIGTERM; its log:\n\(log)")
        }
    }

    /// SIGKILL: the process gets no chance to clean up. Returns how it ended.
    @discardableResult
    public func kill() async throws -> SpawnedProcess.Termination {
        child.send(SIGKILL)
        return try await waitForExit()
    }

    private func waitForExit() async throws -> SpawnedProcess.Termination {
        guard try await eventually(timeout: .seconds(30), { !self.child.isRunning }), let ended = child.ended else {
            throw GatewayProcessError(message: "alertgate did not exit within 30 s; its log:\n\(log)")
        }
        return ended
    }

    private var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

public struct GatewayProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
