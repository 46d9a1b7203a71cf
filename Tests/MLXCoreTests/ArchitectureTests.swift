import Foundation
import Testing

/// The folders of `Sources/MLXCore` depend on one another one way only, as
/// docs/architecture.md draws them: a file may name a type declared in its own folder or in a
/// folder below it, never above. C libraries are imported by the one folder that owns them.
@Suite struct ArchitectureTests {
  /// Each folder and the folders it may use. Listed bottom-up; the order is the layering.
  static let layers: [(folder: String, uses: Set<String>)] = [
    ("Support", []),
    ("Storage", ["Support"]),
    ("Git", ["Support"]),
    ("Signing", ["Support", "Git"]),
    ("S3", ["Support"]),
    ("Pointer", ["Support", "Storage", "Git"]),
    ("Remote", ["Support", "Storage", "Git", "Pointer", "S3"]),
    ("WorkTree", ["Support", "Storage", "Git", "Pointer"]),
    ("Pipeline", ["Support", "Storage", "Git", "Pointer"]),
    ("Quality", ["Support"]),
    ("Registry", ["Support", "Storage", "Git", "Signing", "Pointer", "Pipeline"]),
    ("Lineage", ["Support", "Storage", "Git", "Signing", "Pointer", "Pipeline", "Registry"]),
    ("Collect", ["Support", "Storage", "Git", "Pointer", "Remote", "Pipeline"]),
    (
      "Report",
      ["Support", "Storage", "Git", "Pointer", "Quality", "Pipeline", "Registry", "Lineage"]
    ),
    (
      "Workspace",
      [
        "Support", "Storage", "Git", "Signing", "S3", "Pointer", "Remote", "WorkTree",
        "Pipeline", "Registry", "Lineage", "Collect", "Quality", "Report",
      ]
    ),
  ]

  /// Modules only one folder may import: the C libraries and the command-line parser.
  static let importOwners: [String: Set<String>] = [
    "CGit2": ["Git"], "CZstd": ["Storage"], "CPCRE2": ["Quality"],
    "CLinuxShims": ["Storage", "Support"],
    "AsyncHTTPClient": ["S3"], "NIOCore": ["S3"], "NIOHTTP1": ["S3"], "FoundationXML": ["S3"],
    "ArgumentParser": [],
  ]

  struct SourceFile {
    let folder: String
    let name: String
    /// The text with comments and string literals removed.
    let code: String
    /// Lines in the file as written.
    var lineCount = 0
  }

  static let sources: [SourceFile] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Sources/MLXCore")
    let enumerator = FileManager.default.enumerator(atPath: root.path)
    var files: [SourceFile] = []
    while let relative = enumerator?.nextObject() as? String {
      guard relative.hasSuffix(".swift") else { continue }
      let components = relative.split(separator: "/")
      let text = (try? String(contentsOfFile: root.path + "/" + relative, encoding: .utf8)) ?? ""
      files.append(
        SourceFile(
          folder: components.count > 1 ? String(components[0]) : "",
          name: String(components.last!), code: stripped(text),
          lineCount: text.split(separator: "\n", omittingEmptySubsequences: false).count - 1))
    }
    return files.sorted { ($0.folder, $0.name) < ($1.folder, $1.name) }
  }()

  /// Swift source without comments and string literals, so only code names types.
  static func stripped(_ text: String) -> String {
    var result = text
    for pattern in [
      #"\"\"\"[\s\S]*?\"\"\""#, #""(?:\\.|[^"\\\n])*""#, #"//[^\n]*"#, #"/\*[\s\S]*?\*/"#,
    ] {
      result = result.replacingOccurrences(of: pattern, with: "\"\"", options: .regularExpression)
    }
    return result
  }

  /// Top-level types (and type aliases) and the folder each is declared in.
  static func declarations(_ files: [SourceFile]) throws -> [String: String] {
    let declaration = try NSRegularExpression(
      pattern:
        #"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|package|final|open|indirect)\s+)*(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z]\w*)"#,
      options: .anchorsMatchLines)
    var owners: [String: String] = [:]
    for file in files {
      let range = NSRange(file.code.startIndex..., in: file.code)
      for match in declaration.matches(in: file.code, range: range) {
        let name = String(file.code[Range(match.range(at: 1), in: file.code)!])
        owners[name] = owners[name] ?? file.folder
      }
    }
    return owners
  }

  /// Every use of a type from another folder: "from -> to: Type (file)".
  static func crossings(_ files: [SourceFile]) throws -> [(from: String, to: String, use: String)] {
    let owners = try declarations(files)
    let identifier = try NSRegularExpression(pattern: #"\b[A-Z]\w*\b"#)
    var found: [(String, String, String)] = []
    for file in files {
      let range = NSRange(file.code.startIndex..., in: file.code)
      let names = Set(
        identifier.matches(in: file.code, range: range).map {
          String(file.code[Range($0.range, in: file.code)!])
        })
      for name in names.sorted() {
        guard let owner = owners[name], owner != file.folder else { continue }
        found.append((file.folder, owner, "\(name) in \(file.folder)/\(file.name)"))
      }
    }
    return found
  }

  @Test func everyFileLivesInALayeredFolder() {
    let known = Set(Self.layers.map(\.folder))
    for file in Self.sources {
      #expect(
        known.contains(file.folder),
        "\(file.folder)/\(file.name) is in no layer of docs/architecture.md")
    }
  }

  @Test func theLayersFormNoLoop() {
    var below: Set<String> = []
    for layer in Self.layers {
      #expect(layer.uses.isSubset(of: below), "\(layer.folder) uses a folder above it")
      below.insert(layer.folder)
    }
  }

  @Test func foldersUseOnlyTheFoldersBelowThem() throws {
    let allowed = Dictionary(uniqueKeysWithValues: Self.layers.map { ($0.folder, $0.uses) })
    let crossings = try Self.crossings(Self.sources)
    #expect(!crossings.isEmpty, "the scan finds the dependencies that exist")
    for crossing in crossings where allowed[crossing.from]?.contains(crossing.to) != true {
      Issue.record("\(crossing.from) must not use \(crossing.to): \(crossing.use)")
    }
  }

  @Test func cLibrariesAreImportedByTheFolderThatOwnsThem() throws {
    let importLine = try NSRegularExpression(
      pattern: #"^\s*(?:@\w+\s+)*(?:(?:internal|public|private|package)\s+)?import\s+(\w+)"#,
      options: .anchorsMatchLines)
    for file in Self.sources {
      let range = NSRange(file.code.startIndex..., in: file.code)
      for match in importLine.matches(in: file.code, range: range) {
        let module = String(file.code[Range(match.range(at: 1), in: file.code)!])
        if let owners = Self.importOwners[module] {
          #expect(owners.contains(file.folder), "\(file.folder)/\(file.name) imports \(module)")
        }
      }
    }
  }

  /// `Workspace` stays a façade: each command's logic lives in its domain folder.
  @Test func workspaceFilesStayThin() {
    for file in Self.sources where file.folder == "Workspace" {
      let lines = file.lineCount
      #expect(
        lines <= 150,
        "Workspace/\(file.name) has \(lines) lines; move its logic to its domain folder")
    }
  }

  /// The check itself: a use against the layering is found.
  @Test func aUseAgainstTheLayersIsFound() throws {
    let files = [
      SourceFile(folder: "Support", name: "A.swift", code: "struct Helper { let x: Stage }"),
      SourceFile(folder: "Pipeline", name: "Stage.swift", code: "public struct Stage {}"),
    ]
    let crossings = try Self.crossings(files)
    #expect(crossings.count == 1)
    #expect(crossings.first?.from == "Support" && crossings.first?.to == "Pipeline")
    #expect(Self.stripped("let a = \"Stage\" // Stage").contains("Stage") == false)
  }
}
