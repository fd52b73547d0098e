import Foundation

/// Turns a path written in a configuration file into an absolute path: `~` is the home directory and a
/// relative path is relative to the directory of the file that contains it (not to the directory
/// wagate was started from, so a character file works the same from anywhere).
enum ConfigPathResolver {
    struct Problem: Error {
        var message: String
    }

    static func resolve(_ path: String, baseDirectory: String, homeDirectory: String?) -> Result<String, Problem> {
        var path = path
        if path == "~" || path.hasPrefix("~/") {
            guard let home = homeDirectory, !home.isEmpty else {
                return .failure(
                    Problem(
                        message:
                            "\(ConfigPath.quoted(path)) starts with \"~\" but HOME is not set; use an absolute path"
                    )
                )
            }
            path = home + path.dropFirst()
        } else if path.hasPrefix("~") {
            return .failure(
                Problem(
                    message:
                        "\(ConfigPath.quoted(path)): \"~user\" paths are not supported; use an absolute path or \"~/...\""
                )
            )
        }
        if !path.hasPrefix("/") {
            path = baseDirectory + "/" + path
        }
        return .success(standardize(path))
    }

    /// Removes `.`, `..` and repeated slashes without touching the file system (no symlink
    /// resolution: the user's spelling of the directory is kept).
    static func standardize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The absolute directory containing `file` (relative files are relative to the current directory).
    static func directory(of file: String) -> String {
        let absolute = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        return standardize(standardize(absolute) + "/..")
    }
}
