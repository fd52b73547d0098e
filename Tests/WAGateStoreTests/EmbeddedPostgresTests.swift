import Foundation
import Testing

@testable import WAGateStore

#if canImport(Glibc)
import Glibc
#endif

/// Runs as root (CI: the cluster then belongs to the `wagate` user) and as a normal user.
@Suite struct EmbeddedPostgresTests {
    @Test func keepsDataAcrossRestarts() async throws {
        // A private (0700) parent: as root, the PostgreSQL user cannot reach it, so the cluster is relocated.
        try await withTemporaryDirectory(mode: 0o700) { base in
            let directory = base.appendingPathComponent("state/postgres")
            let first = EmbeddedPostgres(directory: directory)
            let connectionString = try await first.start()
            #expect(try await first.start() == connectionString)
            let connection = try await PGConnection.connect(connectionString)
            #expect(try await connection.query("select current_database()").string(row: 0, column: 0) == "wagate")
            try await connection.execute("create table kept (v text)")
            try await connection.execute("insert into kept values ($1)", [.text("still here")])
            await connection.close()
            await first.stop()
            await #expect(throws: StoreError.self) { try await PGConnection.connect(connectionString) }

            if geteuid() == 0 {
                let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory.path)
                #expect(link.hasPrefix(EmbeddedPostgres.relocationBase.path))
            }

            let second = EmbeddedPostgres(directory: directory)
            let again = try await second.start()
            let reconnected = try await PGConnection.connect(again)
            #expect(try await reconnected.query("select v from kept").string(row: 0, column: 0) == "still here")
            await reconnected.close()
            await second.stop()
        }
    }

    @Test func usesAShortSocketPathAndAdoptsARunningServer() async throws {
        try await withTemporaryDirectory(mode: 0o755) { base in
            let directory = base.appendingPathComponent(String(repeating: "long-", count: 16) + "/postgres")
            let crashed = EmbeddedPostgres(directory: directory)
            let connectionString = try await crashed.start()
            #expect(connectionString.contains("/tmp/wagate-pg-"))
            // A new gateway process finds the server a crashed one left running and adopts it.
            let adopting = EmbeddedPostgres(directory: directory)
            let adopted = try await adopting.start()
            #expect(adopted == connectionString)
            let connection = try await PGConnection.connect(adopted)
            #expect(try await connection.query("select 1").int(row: 0, column: 0) == 1)
            await connection.close()
            await adopting.stop()
            await #expect(throws: StoreError.self) { try await PGConnection.connect(adopted) }
        }
    }

    @Test func namesDirectoriesAfterStableHashes() {
        #expect(EmbeddedPostgres.hash("/var/lib/wagate/postgres") == EmbeddedPostgres.hash("/var/lib/wagate/postgres"))
        #expect(EmbeddedPostgres.hash("/a") != EmbeddedPostgres.hash("/b"))
        #expect(EmbeddedPostgres.hash("").count == 16)
        #expect(EmbeddedPostgres.shellQuote("it's") == #"'it'\''s'"#)
    }

    @Test func findsTheServerPrograms() async throws {
        let binaries = try await EmbeddedPostgres.findBinaries()
        #expect(FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("initdb").path))
    }
}

/// Runs `body` with a new directory under /tmp, then stops any cluster left in it and removes it, including a
/// relocated cluster and a socket directory under /tmp.
private func withTemporaryDirectory(
    mode: Int, _ body: (URL) async throws -> Void
) async throws {
    let base = URL(fileURLWithPath: "/tmp/wagate-embedded-test-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    chmod(base.path, mode_t(mode))
    var failure: (any Error)?
    do { try await body(base) } catch { failure = error }
    await removeClusters(under: base)
    try? FileManager.default.removeItem(at: base)
    if let failure { throw failure }
}

private func removeClusters(under base: URL) async {
    let fileManager = FileManager.default
    guard let enumerator = fileManager.enumerator(atPath: base.path) else { return }
    var roots: [URL] = []
    while let relative = enumerator.nextObject() as? String {
        let url = base.appendingPathComponent(relative)
        if url.lastPathComponent == "postgres" { roots.append(url.resolvingSymlinksInPath()) }
    }
    for root in roots {
        let data = root.appendingPathComponent("data")
        if fileManager.fileExists(atPath: data.appendingPathComponent("postmaster.pid").path),
            let binaries = try? await EmbeddedPostgres.findBinaries()
        {
            let pgctl = binaries.appendingPathComponent("pg_ctl").path
            let arguments = ["stop", "-D", data.path, "-m", "immediate", "-w"]
            let command =
                geteuid() == 0
                ? ChildProcess(
                    executable: URL(fileURLWithPath: "/usr/sbin/runuser"),
                    arguments: ["-u", "wagate", "--", pgctl] + arguments)
                : ChildProcess(executable: URL(fileURLWithPath: pgctl), arguments: arguments)
            _ = try? await command.run()
        }
        try? fileManager.removeItem(atPath: "/tmp/wagate-pg-\(EmbeddedPostgres.hash(root.path))")
        try? fileManager.removeItem(at: root)
    }
}
