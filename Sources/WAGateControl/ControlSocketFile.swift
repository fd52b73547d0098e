import Glibc
import Logging

/// The control socket's file and directory: creation, permissions, the "already running" check, and removal.
///
/// Permissions follow the reference design: the directory (mode 0750) gates access, so `chmod 0660` on the
/// socket right after `bind` is race-free and no process-wide `umask` juggling is needed in a multi-threaded
/// process.
struct ControlSocketFile: Sendable {
    /// `sizeof(sun_path)` on Linux, including the terminating NUL.
    static let sunPathCapacity = 108

    /// Identifies the socket inode we bound, so shutdown never unlinks a file another process put there.
    struct Identity: Sendable, Hashable {
        var device: UInt64
        var inode: UInt64
    }

    let path: String
    let directory: String

    /// Checks the path length, prepares the directory and refuses to start when a live server answers on `path`.
    /// A stale socket file is left for the bind to replace.
    static func prepare(path: String, logger: Logger) throws(ControlServerError) -> ControlSocketFile {
        let length = path.utf8.count
        guard length > 0, length < sunPathCapacity else {
            throw ControlServerError(
                code: .socketPathTooLong,
                message:
                    "control socket path is \(length) bytes; at most \(sunPathCapacity - 1) fit in sun_path: \(path)")
        }
        let file = ControlSocketFile(path: path, directory: Self.directory(of: path))
        try file.prepareDirectory(logger: logger)
        try file.checkNotInUse(logger: logger)
        return file
    }

    /// Sets the socket's mode to 0660 and records its identity. Call right after `bind`.
    func didBind() throws(ControlServerError) -> Identity {
        guard chmod(path, 0o660) == 0 else {
            throw ControlServerError(code: .socketSetup, message: "cannot chmod 0660 \(path): \(Self.errnoText())")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw ControlServerError(code: .socketSetup, message: "cannot stat \(path): \(Self.errnoText())")
        }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    /// Unlinks the socket file if it is still the one we bound.
    func remove(_ identity: Identity, logger: Logger) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard UInt64(info.st_dev) == identity.device, UInt64(info.st_ino) == identity.inode else {
            logger.notice(
                "control socket file was replaced by another process; not removing it",
                metadata: ["control.socket": "\(path)"])
            return
        }
        if unlink(path) != 0 {
            logger.warning(
                "cannot remove control socket file",
                metadata: ["control.socket": "\(path)", "error": "\(Self.errnoText())"])
        }
    }

    // MARK: - Directory

    private func prepareDirectory(logger: Logger) throws(ControlServerError) {
        var info = stat()
        if stat(directory, &info) != 0 {
            guard errno == ENOENT else {
                throw ControlServerError(
                    code: .socketDirectory, message: "cannot stat socket directory \(directory): \(Self.errnoText())")
            }
            try Self.makeDirectories(directory)
            // mkdir's mode is filtered by the umask: set it exactly.
            guard chmod(directory, 0o750) == 0 else {
                throw ControlServerError(
                    code: .socketDirectory, message: "cannot chmod 0750 \(directory): \(Self.errnoText())")
            }
            return
        }
        guard info.st_mode & Self.fileTypeMask == Self.directoryType else {
            throw ControlServerError(
                code: .socketDirectory, message: "socket directory \(directory) exists and is not a directory")
        }
        let mode = info.st_mode & 0o7777
        guard mode != 0o750 else { return }
        // Only a directory of our own is ours to chmod: never /tmp, /run, a home directory and the like, which
        // other programs share (running as root, chmod would succeed and break them).
        if info.st_uid != geteuid() || mode & Self.stickyBit != 0 || Self.isSharedDirectory(directory) {
            logger.warning(
                "control socket directory is shared; not changing its mode (use a dedicated directory)",
                metadata: ["control.socket_dir": "\(directory)", "mode": "\(String(mode, radix: 8))"])
            return
        }
        guard chmod(directory, 0o750) == 0 else {
            throw ControlServerError(
                code: .socketDirectory, message: "cannot chmod 0750 \(directory): \(Self.errnoText())")
        }
    }

    private static func makeDirectories(_ directory: String) throws(ControlServerError) {
        var prefix = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            prefix += component
            if mkdir(prefix, 0o750) != 0 && errno != EEXIST {
                throw ControlServerError(
                    code: .socketDirectory, message: "cannot create directory \(prefix): \(Self.errnoText())")
            }
            prefix += "/"
        }
    }

    private static func isSharedDirectory(_ directory: String) -> Bool {
        var resolved = directory
        if let real = realpath(directory, nil) {
            resolved = String(cString: real)
            free(real)
        }
        var shared: Set<String> = [
            "/", "/tmp", "/var/tmp", "/run", "/var/run", "/dev/shm", "/var", "/usr", "/etc", "/home", "/root",
        ]
        if let home = getenv("HOME") { shared.insert(String(cString: home)) }
        return shared.contains(resolved)
    }

    // MARK: - Live check

    private func checkNotInUse(logger: Logger) throws(ControlServerError) {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            guard errno == ENOENT else {
                throw ControlServerError(code: .socketSetup, message: "cannot stat \(path): \(Self.errnoText())")
            }
            return
        }
        guard info.st_mode & Self.fileTypeMask == Self.socketType else {
            throw ControlServerError(
                code: .notASocket, message: "\(path) exists and is not a socket; remove it or choose another path")
        }
        switch Self.probe(path) {
        case .live:
            throw ControlServerError(code: .socketInUse, message: "another gateway is running on \(path)")
        case .stale:
            logger.notice("replacing stale control socket file", metadata: ["control.socket": "\(path)"])
        case .failed(let text):
            throw ControlServerError(
                code: .socketSetup, message: "cannot check whether a gateway is running on \(path): \(text)")
        }
    }

    private enum ProbeResult {
        case live
        case stale
        case failed(String)
    }

    /// Connects to `path` without blocking: a live server accepts (or its backlog is full), a stale file refuses.
    private static func probe(_ path: String) -> ProbeResult {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = socket(AF_UNIX, type, 0)
        guard fd >= 0 else { return .failed(errnoText()) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.utf8.prefix(raw.count - 1))
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .live }
        switch errno {
        case EAGAIN, EINPROGRESS: return .live
        case ECONNREFUSED, ENOENT: return .stale
        default: return .failed(errnoText())
        }
    }

    // MARK: - Helpers

    private static let fileTypeMask: mode_t = 0o170000
    private static let socketType: mode_t = 0o140000
    private static let directoryType: mode_t = 0o040000
    private static let stickyBit: mode_t = 0o1000

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
