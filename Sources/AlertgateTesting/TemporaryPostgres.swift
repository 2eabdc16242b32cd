import Foundation
import Glibc
import Synchronization

/// A PostgreSQL server of this test process's own, from Debian's `postgresql` package: one
/// cluster made with `initdb` in a temporary folder on first use, listening on 127.0.0.1 at a
/// free port, stopped when the process exits. Each test takes a fresh database of it
/// (`database()`), so tests run side by side without seeing each other's rows.
///
/// `$ALERTGATE_TEST_POSTGRES_URL` (a `postgres://` URL of a role that may create databases)
/// uses a running server instead. PostgreSQL refuses to run as root: under root the cluster
/// belongs to the `postgres` user the package creates, and its programs run as that user
/// (`runuser`).
public enum TemporaryPostgres {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server's URL without a database (`postgres://user@127.0.0.1:port`).
    private static let server = Mutex<Result<String, Failure>?>(nil)

    private static let certificatePath = Mutex<String?>(nil)

    /// The server's TLS certificate (self-signed, for localhost), for `sslrootcert`; a failure
    /// on a server given by `$ALERTGATE_TEST_POSTGRES_URL`, whose certificate is not known.
    public static func certificate() async throws -> String {
        _ = try await onOwnThread { try serverURL() }
        guard let path = certificatePath.withLock({ $0 }) else {
            throw Failure(description: "the server of ALERTGATE_TEST_POSTGRES_URL is not this process's own: its certificate is not known")
        }
        return path
    }

    /// A new, empty database on the test server; its URL.
    public static func database() async throws -> String {
        try await onOwnThread {
            let base = try serverURL()
            let name = "alertgate_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try run(psql(), ["-q", "-v", "ON_ERROR_STOP=1", "-d", base + "/postgres", "-c", "CREATE DATABASE \(name)"])
            return base + "/" + name
        }
    }

    /// Runs SQL on the database at `url` with `psql`, outside the store under test; its output.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) async throws -> String {
        try await onOwnThread { try run(psql(), ["-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql]) }
    }

    /// Runs `body`, which waits for programs (and, the first time, for the server to start),
    /// on a thread of its own: on one of the few threads that run the tests' tasks it would
    /// hold up every other test meanwhile.
    private static func onOwnThread<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private static func serverURL() throws -> String {
        try server.withLock { server in
            if server == nil {
                server = Result { () throws(Failure) in
                    if let url = ProcessInfo.processInfo.environment["ALERTGATE_TEST_POSTGRES_URL"] { return url }
                    return try startCluster()
                }
            }
            return try server!.get()
        }
    }

    /// The folder of the newest PostgreSQL's programs Debian installed.
    private static func binaries() throws(Failure) -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        guard let newest = versions.last else {
            throw Failure(description: "no PostgreSQL under \(root): install Debian's postgresql package (scripts/test does)")
        }
        return "\(root)/\(newest)/bin"
    }

    private static func psql() throws(Failure) -> String {
        let path = try binaries() + "/psql"
        return FileManager.default.isExecutableFile(atPath: path) ? path : "/usr/bin/psql"
    }

    private static var isRoot: Bool { getuid() == 0 }

    private static func startCluster() throws(Failure) -> String {
        let bin = try binaries()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("alertgate-postgres-\(UUID().uuidString)").path
        let data = folder + "/data"
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot make \(folder): \(error)")
        }
        if isRoot { try run("/usr/bin/chown", ["postgres:postgres", folder]) }
        try runAsOwner(bin + "/initdb", ["-D", data, "-U", "alertgate", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale", "C"])
        // TLS on, as managed servers have it: a certificate for the name localhost, not for
        // 127.0.0.1 (`certificate()`), so that checking the host name is seen to work.
        try runAsOwner("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "7",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", data + "/server.key", "-out", data + "/server.crt",
        ])
        try runAsOwner("/bin/chmod", ["600", data + "/server.key"])
        let port = try freePort()
        try runAsOwner(bin + "/pg_ctl", [
            "-D", data, "-l", folder + "/server.log", "-w", "-t", "60",
            // A cluster thrown away with the process: no fsync, so it does not hold up the disk
            // the SQLite tests (which do sync) write to.
            "-o", "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder) -c max_connections=200 -c ssl=on -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start",
        ])
        try stopWhenThisProcessEnds(pgCtl: bin + "/pg_ctl", data: data, folder: folder)
        certificatePath.withLock { $0 = data + "/server.crt" }
        return "postgres://alertgate@127.0.0.1:\(port)"
    }

    /// Leaves behind a watcher, in a session of its own, that stops the cluster and removes its
    /// folder once this process is gone, however it ends: an `atexit` handler did not run when
    /// the test runner ended, nor would it on a crash or a kill, and clusters piled up.
    private static func stopWhenThisProcessEnds(pgCtl: String, data: String, folder: String) throws(Failure) {
        let stop = isRoot ? "/usr/sbin/runuser -u postgres -- \(pgCtl)" : pgCtl
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(stop) -D '\(data)' -m immediate -w stop >/dev/null 2>&1
            rm -rf '\(folder)'
            """
        _ = try run("/usr/bin/setsid", ["-f", "/bin/sh", "-c", script])
    }

    private static func freePort() throws(Failure) -> Int {
        do {
            let reserved = try ReservedPort()
            defer { reserved.release() }
            return reserved.port
        } catch {
            throw Failure(description: "no free port: \(error)")
        }
    }

    /// Runs a PostgreSQL program as the cluster's owner: this user, or `postgres` under root.
    private static func runAsOwner(_ program: String, _ arguments: [String]) throws(Failure) {
        if isRoot {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
        } else {
            try run(program, arguments)
        }
    }

    /// Runs `program` and waits for it, its output in a file (`SpawnedProcess`, so its exit does
    /// not come through a Dispatch queue, which the tests' own threads, waiting here, may be
    /// holding up); and not a pipe: the server `pg_ctl` starts would keep one open after
    /// `pg_ctl` exits.
    @discardableResult
    private static func run(_ program: String, _ arguments: [String]) throws(Failure) -> String {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("alertgate-postgres-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let child: SpawnedProcess
        do {
            child = try SpawnedProcess(program, arguments, outputPath: outputPath)
        } catch {
            throw Failure(description: "\(error)")
        }
        let ended = child.waitUntilExit()
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard ended == .exited(status: 0) else {
            throw Failure(description: "\(child.command.joined(separator: " ")) failed (\(ended)): \(text)")
        }
        return text
    }
}
