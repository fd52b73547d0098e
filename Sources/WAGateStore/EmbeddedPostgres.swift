import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The gateway's private PostgreSQL cluster, used when `DATABASE_URL` is not set.
///
/// It runs the system's `initdb` and `pg_ctl` (from `WAGATE_PG_BINDIR`, else `pg_config --bindir`, else the
/// newest `/usr/lib/postgresql/*/bin`). The server listens on a Unix socket only, in a private directory,
/// and trusts local connections; the data stays under `directory` across restarts.
///
/// ```swift
/// let postgres = EmbeddedPostgres(directory: stateDirectory.appendingPathComponent("postgres"), logger: logger)
/// let connectionString = try await postgres.start()
/// let pool = try await PGPool.connect(connectionString, logger: logger)
/// // …
/// await pool.close()
/// await postgres.stop()
/// ```
///
/// > Important: PostgreSQL refuses to run as root. When the gateway runs as root, the cluster belongs to a
/// > system user (`WAGATE_PG_USER`, default `wagate`, created with `useradd` if missing) and the commands
/// > run through `runuser`. If that user cannot reach `directory` (for example under `/root`), the data
/// > goes to `/var/lib/wagate/clusters/<hash>` and `directory` becomes a symbolic link to it.
///
/// A server left running by a crashed gateway is reused; a stale `postmaster.pid` is handled by `pg_ctl`.
public actor EmbeddedPostgres {
    /// The database the gateway uses inside the cluster (created on first start).
    public static let databaseName = "wagate"
    /// The port number in the socket's name (`.s.PGSQL.5432`); nothing listens on TCP.
    static let port = 5432
    /// Where the data goes when the PostgreSQL user cannot reach the requested directory (root only).
    static let relocationBase = URL(fileURLWithPath: "/var/lib/wagate/clusters")

    private let directory: URL
    private let logger: Logger
    private var cluster: Cluster?
    /// Whether `start()` found the server already running (a live gateway's, or one left by a crash)
    /// instead of starting it. Short-lived commands (`wagate migrate`, `wagate keys rotate`) leave such a
    /// server running: it may belong to a gateway that is serving right now.
    public private(set) var adoptedRunningServer = false
    private var startTask: Task<String, any Error>?

    /// Where a started cluster lives and how to run its commands.
    struct Cluster: Sendable {
        var binaries: URL
        /// The real directory holding `data/`, the logs and (when short enough) `run/`.
        var root: URL
        var socketDirectory: URL
        var port: Int
        var superuser: String
        /// The system user commands run as (through `runuser`), when the gateway runs as root.
        var runAs: String?

        var dataDirectory: URL { root.appendingPathComponent("data") }
        var serverLog: URL { root.appendingPathComponent("server.log") }
        var commandLog: URL { root.appendingPathComponent("pg_ctl.log") }

        func connectionString(database: String) -> String {
            "host=\(quote(socketDirectory.path)) port=\(port) user=\(quote(superuser)) dbname=\(quote(database))"
        }
    }

    /// - Parameters:
    ///   - directory: where the cluster lives, typically `<state directory>/postgres`; created if missing.
    ///   - logger: receives the lifecycle events (initdb, start, reuse, relocation, stop).
    public init(directory: URL, logger: Logger = Logger(label: "wagate.embedded-postgres")) {
        self.directory = directory
        self.logger = logger
    }

    // MARK: Lifecycle

    /// Initialises the cluster on first use, starts it (or adopts one already running) and makes sure the
    /// `wagate` database exists.
    ///
    /// Calling it again while started returns the same connection string.
    /// - Returns: a libpq connection string for the `wagate` database over the Unix socket.
    /// - Throws: `StoreError` (`embeddedPostgres`) naming the failed command, its exit status and the last
    ///   lines of its log.
    public func start() async throws -> String {
        if let cluster { return cluster.connectionString(database: Self.databaseName) }
        if let startTask { return try await startTask.value }
        let task = Task { try await self.performStart() }
        startTask = task
        defer { startTask = nil }
        return try await task.value
    }

    /// Stops the server (`pg_ctl stop -m fast`). Failures are logged; stopping a stopped cluster does nothing.
    public func stop() async {
        guard let cluster else { return }
        self.cluster = nil
        do {
            let status = try await command(
                cluster, "pg_ctl",
                ["stop", "-D", cluster.dataDirectory.path, "-m", "fast", "-w", "-t", "120"], log: cluster.commandLog
            ).run()
            if status == 0 {
                logger.info("embedded PostgreSQL stopped", metadata: ["postgres.directory": "\(cluster.root.path)"])
            } else {
                logger.error(
                    "pg_ctl stop failed",
                    metadata: [
                        "postgres.status": "\(status)",
                        "postgres.log": "\(ChildProcess.tail(of: cluster.commandLog, lines: 5))",
                    ])
            }
        } catch {
            logger.error("pg_ctl stop failed", metadata: ["error": "\(error)"])
        }
    }

    private func performStart() async throws -> String {
        let binaries = try await Self.findBinaries()
        var cluster = try await prepareDirectories(binaries: binaries)
        try await initializeIfNeeded(cluster)
        if let running = try await runningServer(cluster) {
            cluster.socketDirectory = running.socketDirectory
            cluster.port = running.port
            adoptedRunningServer = true
            logger.notice(
                "reusing embedded PostgreSQL left running",
                metadata: ["postgres.directory": "\(cluster.root.path)", "postgres.pid": "\(running.pid)"])
        } else {
            try await startServer(cluster)
        }
        self.cluster = cluster
        do {
            try await ensureDatabase(cluster)
        } catch {
            await stop()
            throw error
        }
        return cluster.connectionString(database: Self.databaseName)
    }

    // MARK: Directories and ownership

    private func prepareDirectories(binaries: URL) async throws -> Cluster {
        let requested = absolute(directory)
        let superuser = Self.currentUserName()
        let root: URL
        var runAs: String?
        var owner: (uid: uid_t, gid: gid_t) = (geteuid(), getegid())
        if geteuid() != 0 {
            try makeDirectory(requested, mode: 0o700)
            root = requested.resolvingSymlinksInPath()
        } else {
            let user =
                ProcessInfo.processInfo.environment["WAGATE_PG_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "wagate"
            owner = try await ensureSystemUser(user)
            runAs = user
            root = try await clusterRoot(for: requested, user: user, owner: owner)
            try Self.takeOwnership(of: root, owner: owner)
        }
        let socketDirectory = try prepareSocketDirectory(root: root, owner: owner)
        return Cluster(
            binaries: binaries, root: root, socketDirectory: socketDirectory, port: Self.port, superuser: superuser,
            runAs: runAs)
    }

    /// Where the data of `requested` really lives when running as root, relocating it if `user` cannot
    /// reach `requested`.
    private func clusterRoot(for requested: URL, user: String, owner: (uid: uid_t, gid: gid_t)) async throws -> URL {
        let fileManager = FileManager.default
        try makeDirectory(requested.deletingLastPathComponent(), mode: 0o755)
        if let destination = try? fileManager.destinationOfSymbolicLink(atPath: requested.path) {
            // Relocated earlier: follow the link.
            let target = URL(fileURLWithPath: destination, relativeTo: requested.deletingLastPathComponent())
                .standardizedFileURL
            try makeDirectory(target, mode: 0o700)
            return target
        }
        let hasCluster = fileManager.fileExists(
            atPath: requested.appendingPathComponent("data/PG_VERSION").path)
        let reachable = try await canTraverse(user: user, directory: requested.deletingLastPathComponent())
        if hasCluster || reachable {
            try makeDirectory(requested, mode: 0o700)
            return requested
        }
        let relocated = Self.relocationBase.appendingPathComponent(Self.hash(requested.path))
        try prepareRelocationBase()
        try makeDirectory(relocated, mode: 0o700)
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: requested.path, isDirectory: &isDirectory) {
            let contents = (try? fileManager.contentsOfDirectory(atPath: requested.path)) ?? ["?"]
            guard isDirectory.boolValue, contents.isEmpty else {
                throw StoreError(
                    .embeddedPostgres,
                    "\(requested.path) is not reachable by the PostgreSQL user \(user) and is not empty; "
                        + "move its contents away or make its parent directories traversable (chmod o+x)")
            }
            try fileManager.removeItem(at: requested)
        }
        do {
            try fileManager.createSymbolicLink(at: requested, withDestinationURL: relocated)
        } catch {
            throw StoreError(.embeddedPostgres, "cannot create symbolic link \(requested.path): \(error)")
        }
        logger.notice(
            "PostgreSQL user cannot reach the state directory; cluster relocated",
            metadata: [
                "postgres.requested": "\(requested.path)", "postgres.directory": "\(relocated.path)",
                "postgres.user": "\(user)",
            ])
        guard try await canTraverse(user: user, directory: Self.relocationBase) else {
            throw StoreError(
                .embeddedPostgres,
                "the PostgreSQL user \(user) cannot reach \(relocated.path) either; check the "
                    + "permissions of \(Self.relocationBase.path) and its parents")
        }
        return relocated
    }

    /// `/var/lib/wagate/clusters`, traversable (but not listable) by other users.
    private func prepareRelocationBase() throws {
        for url in [Self.relocationBase.deletingLastPathComponent(), Self.relocationBase] {
            try makeDirectory(url, mode: 0o711)
            var info = stat()
            guard stat(url.path, &info) == 0 else { continue }
            if info.st_mode & 0o001 == 0 {
                chmod(url.path, (info.st_mode & 0o7777) | 0o001)
                logger.notice("made directory traversable for the PostgreSQL user", metadata: ["path": "\(url.path)"])
            }
        }
    }

    /// The socket directory: `<root>/run` when the socket path fits in `sun_path` with room to spare,
    /// otherwise a private directory under `/tmp` named after the cluster.
    private func prepareSocketDirectory(root: URL, owner: (uid: uid_t, gid: gid_t)) throws -> URL {
        let local = root.appendingPathComponent("run")
        let directory: URL
        if (local.path + "/.s.PGSQL.\(Self.port)").utf8.count < 100 {
            directory = local
        } else {
            directory = URL(fileURLWithPath: "/tmp/wagate-pg-\(Self.hash(root.path))")
            logger.debug("socket path too long; using a directory under /tmp", metadata: ["path": "\(directory.path)"])
        }
        if mkdir(directory.path, 0o700) != 0 && errno != EEXIST {
            throw StoreError(.embeddedPostgres, "cannot create \(directory.path): \(String(cString: strerror(errno)))")
        }
        if geteuid() == 0 { chown(directory.path, owner.uid, owner.gid) }
        // Under /tmp anyone could have created it first: accept only a real directory of ours, mode 0700.
        var info = stat()
        guard lstat(directory.path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == owner.uid,
            info.st_mode & 0o077 == 0
        else {
            throw StoreError(
                .embeddedPostgres,
                "socket directory \(directory.path) is not a private directory owned by uid \(owner.uid); remove it")
        }
        return directory
    }

    private func makeDirectory(_ url: URL, mode: Int) throws {
        do {
            try FileManager.default.createDirectory(
                at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw StoreError(.embeddedPostgres, "cannot create directory \(url.path): \(error)")
        }
    }

    /// Gives `root` and everything in it to the PostgreSQL user (only walks the tree when `root` is not
    /// theirs yet, so restarts stay cheap).
    private static func takeOwnership(of root: URL, owner: (uid: uid_t, gid: gid_t)) throws {
        var info = stat()
        guard stat(root.path, &info) == 0 else {
            throw StoreError(.embeddedPostgres, "cannot stat \(root.path): \(String(cString: strerror(errno)))")
        }
        chmod(root.path, 0o700)
        guard info.st_uid != owner.uid || info.st_gid != owner.gid else { return }
        guard chown(root.path, owner.uid, owner.gid) == 0 else {
            throw StoreError(.embeddedPostgres, "cannot chown \(root.path): \(String(cString: strerror(errno)))")
        }
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let relative = enumerator?.nextObject() as? String {
            lchown(root.appendingPathComponent(relative).path, owner.uid, owner.gid)
        }
    }

    // MARK: The system user (root only)

    private func ensureSystemUser(_ user: String) async throws -> (uid: uid_t, gid: gid_t) {
        if let entry = getpwnam(user) { return (entry.pointee.pw_uid, entry.pointee.pw_gid) }
        logger.notice(
            "creating system user to run PostgreSQL (initdb refuses root)", metadata: ["postgres.user": "\(user)"])
        let useradd = try Self.findExecutable("useradd", in: ["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        let result = try await ChildProcess(
            executable: useradd, arguments: ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user]
        ).output()
        // Another process may have created it meanwhile (status 9: user exists).
        guard let entry = getpwnam(user) else {
            throw StoreError(
                .embeddedPostgres,
                "\(useradd.path) \(user) exited with status \(result.status)", underlyingMessage: result.text)
        }
        return (entry.pointee.pw_uid, entry.pointee.pw_gid)
    }

    private func canTraverse(user: String, directory: URL) async throws -> Bool {
        let runuser = try Self.findExecutable("runuser", in: ["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        let test = try Self.findExecutable("test", in: ["/usr/bin", "/bin"])
        let status = try await ChildProcess(
            executable: runuser, arguments: ["-u", user, "--", test.path, "-x", directory.path]
        ).run()
        return status == 0
    }

    // MARK: Server commands

    private func initializeIfNeeded(_ cluster: Cluster) async throws {
        let fileManager = FileManager.default
        let data = cluster.dataDirectory
        if fileManager.fileExists(atPath: data.appendingPathComponent("PG_VERSION").path) { return }
        if fileManager.fileExists(atPath: data.path) {
            // initdb was interrupted (it removes its directory when it fails): keep the remains aside.
            let aside = cluster.root.appendingPathComponent("data.incomplete-\(Int(Date().timeIntervalSince1970))")
            try? fileManager.moveItem(at: data, to: aside)
            logger.warning("moved an incomplete data directory aside", metadata: ["path": "\(aside.path)"])
        }
        logger.info(
            "initialising embedded PostgreSQL cluster", metadata: ["postgres.directory": "\(cluster.root.path)"])
        let log = cluster.root.appendingPathComponent("initdb.log")
        let initdb = command(
            cluster, "initdb",
            ["-D", data.path, "-U", cluster.superuser, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], log: log)
        let status = try await initdb.run()
        guard status == 0 else { throw failure(initdb, status: status, logs: [log]) }
    }

    private func runningServer(_ cluster: Cluster) async throws -> (pid: Int, socketDirectory: URL, port: Int)? {
        let status = try await command(cluster, "pg_ctl", ["status", "-D", cluster.dataDirectory.path], log: nil).run()
        guard status == 0 else { return nil }
        // postmaster.pid lines: pid, data directory, start time, port, first socket directory, ...
        let pidFile = cluster.dataDirectory.appendingPathComponent("postmaster.pid")
        guard let text = try? String(contentsOf: pidFile, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 5, let pid = Int(lines[0]), let port = Int(lines[3].trimmingCharacters(in: .whitespaces)),
            !lines[4].isEmpty
        else { return nil }
        return (pid, URL(fileURLWithPath: lines[4]), port)
    }

    private func startServer(_ cluster: Cluster) async throws {
        let socketSetting = "unix_socket_directories=\"\(cluster.socketDirectory.path)\""
        guard !cluster.socketDirectory.path.contains("\"") else {
            throw StoreError(.embeddedPostgres, "the socket directory's path must not contain a double quote")
        }
        // pg_ctl hands -o to a shell, hence the quoting.
        let options = ["listen_addresses=", socketSetting, "port=\(cluster.port)"]
            .map { "-c " + Self.shellQuote($0) }.joined(separator: " ")
        var pgctl = command(
            cluster, "pg_ctl",
            [
                "start", "-D", cluster.dataDirectory.path, "-l", cluster.serverLog.path, "-w", "-t", "120", "-o",
                options,
            ],
            log: cluster.commandLog)
        pgctl.closesInheritedDescriptors = true
        logger.info("starting embedded PostgreSQL", metadata: ["postgres.directory": "\(cluster.root.path)"])
        let status = try await pgctl.run()
        guard status == 0 else { throw failure(pgctl, status: status, logs: [cluster.commandLog, cluster.serverLog]) }
    }

    private func ensureDatabase(_ cluster: Cluster) async throws {
        let connection = try await PGConnection.connect(
            cluster.connectionString(database: "postgres"), name: "wagate-pg-setup", logger: logger)
        do {
            let exists = try await connection.query(
                "SELECT 1 FROM pg_database WHERE datname = $1", [.text(Self.databaseName)])
            if exists.isEmpty {
                do {
                    try await connection.execute("CREATE DATABASE \(Self.databaseName)")
                    logger.info("created database", metadata: ["postgres.database": "\(Self.databaseName)"])
                } catch let error as StoreError where error.sqlState == "42P04" {
                    // Created by another process meanwhile.
                }
            }
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
    }

    /// A PostgreSQL program, run as the cluster's user when the gateway is root.
    private func command(_ cluster: Cluster, _ program: String, _ arguments: [String], log: URL?) -> ChildProcess {
        let executable = cluster.binaries.appendingPathComponent(program)
        guard let user = cluster.runAs,
            let runuser = try? Self.findExecutable("runuser", in: ["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
        else {
            return ChildProcess(
                executable: executable, arguments: arguments, logFile: log, currentDirectory: cluster.root)
        }
        return ChildProcess(
            executable: runuser, arguments: ["-u", user, "--", executable.path] + arguments, logFile: log,
            currentDirectory: cluster.root)
    }

    private func failure(_ command: ChildProcess, status: Int32, logs: [URL]) -> StoreError {
        let tails = logs.map { "\($0.lastPathComponent):\n\(ChildProcess.tail(of: $0))" }.joined(separator: "\n")
        return StoreError(
            .embeddedPostgres, "\(command.commandLine) exited with status \(status)", underlyingMessage: tails)
    }

    // MARK: Helpers

    /// The directory holding `initdb` and `pg_ctl`.
    static func findBinaries() async throws -> URL {
        let fileManager = FileManager.default
        func hasServer(_ directory: URL) -> Bool {
            fileManager.isExecutableFile(atPath: directory.appendingPathComponent("initdb").path)
                && fileManager.isExecutableFile(atPath: directory.appendingPathComponent("pg_ctl").path)
        }
        if let override = ProcessInfo.processInfo.environment["WAGATE_PG_BINDIR"], !override.isEmpty {
            let url = URL(fileURLWithPath: override)
            guard hasServer(url) else {
                throw StoreError(.embeddedPostgres, "WAGATE_PG_BINDIR=\(override) has no initdb and pg_ctl")
            }
            return url
        }
        if let pgConfig = try? findExecutable("pg_config", in: searchPath()),
            let result = try? await ChildProcess(executable: pgConfig, arguments: ["--bindir"]).output(),
            result.status == 0
        {
            let url = URL(fileURLWithPath: result.text.trimmingCharacters(in: .whitespacesAndNewlines))
            if hasServer(url) { return url }
        }
        let versions = ((try? fileManager.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .compactMap { name in Double(name).map { (version: $0, name: name) } }
            .sorted { $0.version > $1.version }
        for candidate in versions {
            let url = URL(fileURLWithPath: "/usr/lib/postgresql/\(candidate.name)/bin")
            if hasServer(url) { return url }
        }
        throw StoreError(
            .embeddedPostgres,
            "PostgreSQL server programs (initdb, pg_ctl) not found: install the postgresql package, "
                + "set WAGATE_PG_BINDIR, or set DATABASE_URL to use an existing server")
    }

    private static func searchPath() -> [String] {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(
            String.init)
    }

    static func findExecutable(_ name: String, in directories: [String]) throws -> URL {
        for directory in directories {
            let path = directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        }
        throw StoreError(.embeddedPostgres, "\(name) not found in \(directories.joined(separator: ":"))")
    }

    /// The effective user's name: the cluster's superuser, so that libpq's default user matches.
    static func currentUserName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "postgres"
    }

    /// A stable 64-bit FNV-1a hash, as 16 hex digits, to name directories after a path.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private func absolute(_ url: URL) -> URL {
        if url.path.hasPrefix("/") { return url.standardizedFileURL }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(url.path)
            .standardizedFileURL
    }
}

/// Quotes a value for a libpq `key=value` connection string.
private func quote(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}
