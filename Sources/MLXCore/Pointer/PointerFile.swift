/// The small, deterministic YAML file committed to Git in place of a tracked file or directory.
///
/// `data/train.csv` is described by `data/train.csv.mlx`:
///
/// ```yaml
/// version: 1
/// kind: dataset
/// path: train.csv
/// digest: sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
/// size: 4
/// ```
///
/// `digest` is the SHA-256 of the file (what `sha256sum` prints) or, for a directory, of its
/// ``DirectoryManifest``, which then also gives `files:`. `path` is relative to the pointer's
/// directory. `executable: true` marks an executable file. Optional `description` is kept
/// across re-adds. Optional `profile` names the stored profile of this content (`mlx
/// profile`), kept across re-adds of the same content. Keys are written in this fixed
/// order, so the same content always gives the same bytes.
public struct PointerFile: Equatable, Sendable {
  public static let formatVersion = 1
  /// The suffix that turns an artifact path into its pointer's path.
  public static let suffix = ".mlx"

  public var kind: ArtifactKind
  /// The artifact's path relative to the pointer's directory.
  public var path: String
  public var digest: ObjectID
  /// Bytes of the file, or of all files of a directory.
  public var size: Int64
  /// Number of files, for a directory; nil for a file.
  public var fileCount: Int?
  /// Whether a single file is executable (recorded as `executable: true`); directories
  /// record this per file in their manifest.
  public var isExecutable: Bool
  public var description: String?
  /// The stored ``TableProfile`` of this content (`mlx profile`).
  public var profile: ObjectID?

  public var isDirectory: Bool { fileCount != nil }

  public init(
    kind: ArtifactKind, path: String, digest: ObjectID, size: Int64, fileCount: Int? = nil,
    isExecutable: Bool = false, description: String? = nil, profile: ObjectID? = nil
  ) {
    self.kind = kind
    self.path = path
    self.digest = digest
    self.size = size
    self.fileCount = fileCount
    self.isExecutable = isExecutable
    self.description = description
    self.profile = profile
  }

  /// The canonical text of the pointer.
  public var encoded: String {
    var lines = [
      "version: \(Self.formatVersion)",
      "kind: \(kind.rawValue)",
      "path: \(YAMLText.string(path))",
      "digest: \(digest)",
      "size: \(size)",
    ]
    if let fileCount { lines.append("files: \(fileCount)") }
    if isExecutable { lines.append("executable: true") }
    if let description { lines.append("description: \(YAMLText.string(description))") }
    if let profile { lines.append("profile: \(profile)") }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Parses a pointer; `pointerPath` names the file in errors.
  public init(parsing text: String, pointerPath: String) throws(PointerError) {
    func fail(_ line: Int?, _ problem: String) -> PointerError {
      .malformed(path: pointerPath, line: line, problem: problem)
    }
    do {
      let yaml = try YAMLMapping.parse(text)
      try yaml.rejectUnknownKeys([
        "version", "kind", "path", "digest", "size", "files", "executable", "description",
        "profile",
      ])
      guard let version = try yaml.integer("version") else {
        throw fail(yaml.line(of: "version"), "missing key 'version'")
      }
      guard version <= Self.formatVersion else {
        throw PointerError.unsupportedVersion(path: pointerPath, version: version)
      }
      guard version >= 1 else { throw fail(yaml.line(of: "version"), "version must be 1") }

      let kindText = try yaml.requireString("kind")
      guard let kind = ArtifactKind(rawValue: kindText) else {
        let known = ArtifactKind.allCases.map(\.rawValue).joined(separator: ", ")
        throw fail(
          yaml.line(of: "kind"),
          "unknown kind '\(MessageText.quoted(kindText))' (expected one of \(known))")
      }
      let path = try yaml.requireString("path")
      guard RelativePath.isSafe(path) else {
        throw fail(
          yaml.line(of: "path"),
          "path '\(MessageText.quoted(path))' must stay inside the pointer's directory and "
            + "out of Git's and mlx's metadata (no '..', no leading '/', no .git or .mlx "
            + "component, no control characters)")
      }
      let digestText = try yaml.requireString("digest")
      guard let digest = ObjectID(parsing: digestText) else {
        throw fail(
          yaml.line(of: "digest"),
          "digest '\(MessageText.quoted(digestText))' is not 'sha256:' followed by 64 lowercase hex digits"
        )
      }
      guard let size = try yaml.integer("size"), size >= 0 else {
        throw fail(yaml.line(of: "size"), "size must be a whole number of bytes, 0 or more")
      }
      let files = try yaml.integer("files")
      if let files, files < 0 { throw fail(yaml.line(of: "files"), "files must be 0 or more") }
      let isExecutable = try yaml.boolean("executable") ?? false
      if isExecutable, files != nil {
        throw fail(yaml.line(of: "executable"), "a directory records 'executable' per file")
      }
      let profileText = try yaml.string("profile")
      let profile = profileText.flatMap { ObjectID(parsing: $0) }
      if let profileText, profile == nil {
        throw fail(
          yaml.line(of: "profile"),
          "profile '\(MessageText.quoted(profileText))' is not 'sha256:' followed by 64 lowercase hex digits"
        )
      }
      self.init(
        kind: kind, path: path, digest: digest, size: Int64(size), fileCount: files,
        isExecutable: isExecutable, description: try yaml.string("description"),
        profile: profile)
    } catch let issue as YAMLIssue {
      throw fail(issue.line, issue.message)
    } catch let error as PointerError {
      throw error
    } catch {
      throw fail(nil, "\(error)")
    }
  }
}
