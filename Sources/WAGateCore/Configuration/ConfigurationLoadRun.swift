import Foundation

/// One run of ``ConfigurationLoader/load()``: reads the files, parses the characters, then builds the
/// agents once the whole environment is known (a `milady.json` given last still provides `env` to
/// characters given first).
struct ConfigurationLoadRun {
    /// One character (or the agent of a `milady.json`) before its connector is built.
    struct Character {
        var file: String
        var baseDirectory: String
        var reader: ConfigReader
        var name: String?
        var description: String?
        var bio: [String] = []
        var system: String?
        var modelProvider: String?
        var settings: [String: JSONValue] = [:]
        var secrets: [String: JSONValue] = [:]
        var env: [String: String] = [:]
        var extra: [String: JSONValue] = [:]
        var whatsapp: WhatsAppSectionParser.Section?
    }

    /// The character keys wagate reads; every other key goes to `extra`.
    static let characterKeys: Set<String> = [
        "name", "description", "bio", "system", "modelProvider", "settings", "secrets", "env", "connectors",
    ]

    let homeDirectory: String?
    var characters: [Character] = []
    /// Issues of files that could not be read or parsed, and of `milady.json` files without an agent.
    var fileIssues: [ConfigIssue] = []
    var warnings: [ConfigIssue] = []
    /// Every file in the order it was read, to report issues file by file in that order.
    var fileOrder: [String: Int] = [:]
    /// `env` of every `milady.json`, later files winning.
    var configEnvironment: [String: String] = [:]

    init(homeDirectory: String?) {
        self.homeDirectory = homeDirectory
    }

    // MARK: - Reading

    mutating func read(_ source: ConfigurationLoader.Source) {
        switch source.kind {
        case .characterFile(let path):
            if let data = readFile(path) {
                parse(data, file: path, baseDirectory: ConfigPathResolver.directory(of: path), isMilady: false)
            }
        case .miladyFile(let path):
            if let data = readFile(path) {
                parse(data, file: path, baseDirectory: ConfigPathResolver.directory(of: path), isMilady: true)
            }
        case .characterText(let text, let file, let base):
            parse(
                Data(text.utf8),
                file: file,
                baseDirectory: base ?? ConfigPathResolver.directory(of: file),
                isMilady: false
            )
        case .miladyText(let text, let file, let base):
            parse(
                Data(text.utf8),
                file: file,
                baseDirectory: base ?? ConfigPathResolver.directory(of: file),
                isMilady: true
            )
        case .characterDirectory(let directory):
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory)
            } catch {
                noteFile(directory)
                fileIssues.append(
                    ConfigIssue(
                        file: directory,
                        path: "",
                        message: "cannot read the character directory (\(Self.reason(error)))"
                    )
                )
                return
            }
            let files = names.filter { $0.lowercased().hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            if files.isEmpty {
                noteFile(directory)
                fileIssues.append(
                    ConfigIssue(file: directory, path: "", message: "the character directory has no *.json files")
                )
            }
            for name in files {
                let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
                if let data = readFile(path) {
                    parse(data, file: path, baseDirectory: ConfigPathResolver.directory(of: path), isMilady: false)
                }
            }
        }
    }

    private mutating func readFile(_ path: String) -> Data? {
        noteFile(path)
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            fileIssues.append(
                ConfigIssue(file: path, path: "", message: "cannot read the file (\(Self.reason(error)))")
            )
            return nil
        }
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "No such file or directory"
        }
        return nsError.localizedDescription
    }

    // MARK: - Parsing

    private mutating func noteFile(_ file: String) {
        if fileOrder[file] == nil { fileOrder[file] = fileOrder.count }
    }

    private mutating func parse(_ data: Data, file: String, baseDirectory: String, isMilady: Bool) {
        noteFile(file)
        let document: ConfigJSONParser.Document
        do {
            document = try ConfigJSONParser.parse(data)
        } catch {
            fileIssues.append(
                ConfigIssue(
                    file: file,
                    path: "",
                    message: "invalid JSON at line \(error.line), column \(error.column): \(error.message)"
                )
            )
            return
        }
        var reader = ConfigReader(file: file, lines: document.lines)
        let whatsappPath = ConfigPath("connectors", "whatsapp")
        for duplicate in document.duplicateKeys {
            let key =
                duplicate.path.components.last.map { component -> String in
                    if case .key(let key) = component { return key } else { return "" }
                } ?? ""
            let message =
                "\(ConfigPath.quoted(key)) is written twice (lines \(duplicate.firstLine) and \(duplicate.secondLine)); JSON keeps only the last value, so remove one"
            if duplicate.path.components.starts(with: whatsappPath.components) {
                reader.report(duplicate.path, message)
            } else {
                warnings.append(ConfigIssue(file: file, path: duplicate.path.description, message: message))
            }
        }
        guard let root = document.value.objectValue else {
            reader.report(
                ConfigPath(),
                "the file must contain a JSON object, but it contains \(ConfigReader.describe(document.value))"
            )
            fileIssues.append(contentsOf: reader.issues)
            return
        }
        var character = Character(file: file, baseDirectory: baseDirectory, reader: reader)
        if isMilady {
            if let env = root["env"] {
                character.env = parseEnvironment(
                    env,
                    at: ConfigPath("env"),
                    miladyStyle: true,
                    reader: &character.reader
                )
                configEnvironment.merge(character.env) { _, new in new }
            }
            if root["channels"]?["whatsapp"] != nil {
                warnings.append(
                    ConfigIssue(
                        file: file,
                        path: "channels.whatsapp",
                        message: "the legacy channels.whatsapp section is not read; move it to connectors.whatsapp"
                    )
                )
            }
            // Only a `connectors.whatsapp` section makes the Milady config an agent of its own.
            guard root["connectors"]?["whatsapp"] != nil else {
                if let connectors = root["connectors"] {
                    _ = Self.connectors(connectors, reader: &character.reader)
                }
                fileIssues.append(contentsOf: character.reader.issues)
                return
            }
            character.name = "milady"
        }
        parseCharacter(root, into: &character, isMilady: isMilady)
        characters.append(character)
    }

    /// The `connectors` object. A key that looks like a misspelt `whatsapp` is an error: the section
    /// would otherwise be skipped as another tool's connector and the agent would silently stay off.
    private static func connectors(_ value: JSONValue, reader: inout ConfigReader) -> [String: JSONValue]? {
        guard let object = reader.object(value, at: ConfigPath("connectors")) else { return nil }
        for key in object.keys.sorted()
        where key != "whatsapp" && ConfigReader.closest(to: key, in: ["whatsapp"]) != nil {
            reader.report(
                ConfigPath("connectors").appending(key),
                "unknown connector \(ConfigPath.quoted(key)); did you mean \"whatsapp\"? (connector names are lowercase)"
            )
        }
        return object
    }

    private mutating func parseCharacter(_ root: [String: JSONValue], into character: inout Character, isMilady: Bool) {
        for key in root.keys.sorted() where !Self.characterKeys.contains(key) {
            character.extra[key] = root[key]
            // Unknown keys are kept for other tools, but a near miss of a key wagate reads is
            // probably a typo that would silently drop the value.
            if let suggestion = ConfigReader.closest(to: key, in: Self.characterKeys.sorted()) {
                warnings.append(
                    ConfigIssue(
                        file: character.file,
                        path: ConfigPath(key).description,
                        message:
                            "\(ConfigPath.quoted(key)) is not read by wagate (kept for other tools); did you mean \(ConfigPath.quoted(suggestion))?"
                    )
                )
            }
        }
        if let value = root["name"] {
            character.name = character.reader.nonEmptyString(value, at: ConfigPath("name"))
        } else if !isMilady {
            character.reader.report(
                ConfigPath("name"),
                "missing; every character needs a \"name\" (it also names the agent)"
            )
        }
        if let value = root["description"] {
            character.description = character.reader.string(value, at: ConfigPath("description"))
        }
        if let value = root["system"] { character.system = character.reader.string(value, at: ConfigPath("system")) }
        if let value = root["modelProvider"] {
            character.modelProvider = character.reader.nonEmptyString(value, at: ConfigPath("modelProvider"))
        }
        if let value = root["bio"] {
            if let line = value.stringValue {
                character.bio = [line]
            } else if value.arrayValue != nil {
                character.bio = character.reader.strings(value, at: ConfigPath("bio")) ?? []
            } else {
                character.reader.report(
                    ConfigPath("bio"),
                    ConfigReader.mismatch(value, expected: "expected a string or an array of strings")
                )
            }
        }
        if let value = root["settings"] {
            character.settings = character.reader.object(value, at: ConfigPath("settings")) ?? [:]
        }
        if let value = root["secrets"] {
            character.secrets = character.reader.object(value, at: ConfigPath("secrets")) ?? [:]
        }
        if !isMilady, let value = root["env"] {
            character.env = parseEnvironment(
                value,
                at: ConfigPath("env"),
                miladyStyle: false,
                reader: &character.reader
            )
        }
        if let connectors = root["connectors"] {
            // Other connectors (discord, telegram, ...) belong to other tools and are not checked.
            if let object = Self.connectors(connectors, reader: &character.reader),
                let whatsapp = object["whatsapp"]
            {
                var parser = WhatsAppSectionParser(
                    reader: character.reader,
                    baseDirectory: character.baseDirectory,
                    homeDirectory: homeDirectory
                )
                character.whatsapp = parser.parseSection(whatsapp, at: ConfigPath("connectors", "whatsapp"))
                character.reader = parser.reader
            }
        }
    }

    /// An `env` section: names to strings (numbers and booleans are turned into text, as assigning
    /// them to `process.env` does in Node). A `milady.json` may also group variables under `vars`
    /// and has a `shellEnv` object that is not a variable.
    private func parseEnvironment(
        _ value: JSONValue,
        at path: ConfigPath,
        miladyStyle: Bool,
        reader: inout ConfigReader
    ) -> [String: String] {
        guard
            let object = reader.object(
                value,
                at: path,
                expected: "expected an object mapping variable names to strings"
            )
        else { return [:] }
        var result: [String: String] = [:]
        for key in object.keys.sorted() {
            let entryPath = path.appending(key)
            let entry = object[key]!
            if miladyStyle, key == "shellEnv" { continue }
            if miladyStyle, key == "vars", entry.objectValue != nil {
                // Entries written directly under `env` win over `vars`.
                for (name, text) in parseEnvironment(entry, at: entryPath, miladyStyle: false, reader: &reader)
                where object[name] == nil {
                    result[name] = text
                }
                continue
            }
            if key.isEmpty || key.contains("=") || key.contains("\0") {
                reader.report(entryPath, "\(ConfigPath.quoted(key)) is not a valid environment variable name")
                continue
            }
            switch entry {
            case .string(let text): result[key] = text
            case .int, .double, .bool: result[key] = ConfigReader.describe(entry)
            default: reader.report(entryPath, ConfigReader.mismatch(entry, expected: "expected a string"))
            }
        }
        return result
    }
}
