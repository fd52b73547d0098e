import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing small secret files (master key, per-account data keys) with mode 0600.
public enum KeyFile {
    /// Reads a key file's text.
    /// - Returns: `nil` when the file does not exist.
    /// - Throws: `CryptoError.keyFile` when it exists but is unreadable or readable by group or others.
    public static func read(_ path: String) throws -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw CryptoError(.keyFile, "cannot read key file \(path): \(String(cString: strerror(errno)))")
        }
        if st.st_mode & 0o077 != 0 {
            throw CryptoError(
                .keyFile,
                "key file \(path) is accessible by group or others (mode \(String(st.st_mode & 0o777, radix: 8))); run `chmod 600 \(path)`")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CryptoError(.keyFile, "cannot read key file \(path)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `text` to `path` atomically with mode 0600: a temporary file created 0600 (never wider,
    /// not even for an instant), flushed, then renamed over the target.
    public static func write(_ text: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temp = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw CryptoError(.keyFile, "cannot create \(temp): \(String(cString: strerror(errno)))") }
        var bytes = Array(text.utf8)
        defer { SecretBytes.wipe(&bytes) }
        let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == bytes.count, synced else {
            unlink(temp)
            throw CryptoError(.keyFile, "cannot write \(temp)")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw CryptoError(.keyFile, "cannot move key file into place at \(path): \(reason)")
        }
    }
}
