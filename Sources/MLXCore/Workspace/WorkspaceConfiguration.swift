/// Settings from `.mlx/config.yaml` (committed) and `.mlx/config.local.yaml` (this machine).
///
/// ```yaml
/// version: 1
/// cache:
///   dir: .mlx/cache      # relative to the repository root, or absolute (a shared cache)
///   compression: 1       # zstd level for files under 256 KiB and manifests; 0: raw
///   compress_large_files: false  # true: large files' chunks too (smaller store, slower)
/// ```
///
/// A key in `config.local.yaml` overrides the same key in `config.yaml`; the environment
/// variable `MLX_CACHE_DIR` overrides both.
public struct WorkspaceConfiguration: Equatable, Sendable {
  public static let defaultCacheDirectory = ".mlx/cache"
  public static let defaultCompressionLevel = 1

  /// The object store directory, as written (relative to the root or absolute).
  public var cacheDirectory = Self.defaultCacheDirectory
  /// Whether `cacheDirectory` comes from the committed file (or is the default): then it
  /// was written by whoever made the commit, and must stay under `.mlx/`.
  public var cacheDirectoryIsCommitted = true
  /// zstd level for new objects; 0 means store raw.
  public var compressionLevel = Self.defaultCompressionLevel
  /// Whether the chunks of large files are compressed too (at `compressionLevel`).
  public var compressesLargeFiles = false
  /// Remotes by name, as configured (`config.local.yaml`'s keys over `config.yaml`'s).
  public var remotes: [RemoteSpec] = []

  public init() {}

  /// The committed file's initial text.
  static let initialText = """
    # mlx configuration: committed, shared by everyone who clones this repository.
    # Machine-specific settings (such as a cache shared by several clones) go in
    # .mlx/config.local.yaml, which Git ignores. See docs/formats.md.
    version: 1
    cache:
      dir: \(defaultCacheDirectory)
      compression: \(defaultCompressionLevel)               # zstd level for files under 256 KiB; 0: raw
      compress_large_files: false  # true: a smaller store, add and checkout 2-3x slower

    """

  /// A relative path under `.mlx/`, with no `.` or `..`, outside mlx's own folders there.
  static func isCommittableCacheDirectory(_ directory: String) -> Bool {
    var path = directory
    while path.hasSuffix("/") { path.removeLast() }
    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
    return parts.count >= 2 && parts[0] == ".mlx" && RelativePath.isInside(path)
      && ![
        "tmp", "state", "keys", ".gitignore", "config.yaml", "config.local.yaml",
        "policy.yaml", "allowed_signers",
      ].contains(String(parts[1]))
  }

  /// Applies the keys `text` sets on top of the current values.
  mutating func apply(_ text: String, path: String) throws(WorkspaceError) {
    func fail(_ issue: YAMLIssue) -> WorkspaceError {
      .invalidConfiguration(path: path, line: issue.line, problem: issue.message)
    }
    do {
      let yaml = try YAMLMapping.parse(text)
      try yaml.rejectUnknownKeys(["version", "cache", "remotes"])
      if let version = try yaml.integer("version"), version != 1 {
        throw YAMLIssue(line: yaml.line(of: "version"), message: "version must be 1")
      }
      if let cache = try yaml.mapping("cache") {
        try cache.rejectUnknownKeys(
          ["dir", "compression", "compress_large_files"], in: " under 'cache'")
        if let directory = try cache.string("dir") {
          guard !directory.isEmpty else {
            throw YAMLIssue(line: cache.line(of: "dir"), message: "cache.dir must not be empty")
          }
          let isLocal = path.hasSuffix("config.local.yaml")
          // The committed file comes with commits anyone may write: its store stays in .mlx/.
          if !isLocal && !Self.isCommittableCacheDirectory(directory) {
            throw YAMLIssue(
              line: cache.line(of: "dir"),
              message: "cache.dir '\(directory)' in the committed file must be a folder under "
                + ".mlx/ (such as .mlx/cache); put a shared or absolute cache in "
                + ".mlx/config.local.yaml or MLX_CACHE_DIR")
          }
          cacheDirectory = directory
          cacheDirectoryIsCommitted = !isLocal
        }
        if let level = try cache.integer("compression") {
          guard (0...19).contains(level) else {
            throw YAMLIssue(
              line: cache.line(of: "compression"),
              message: "cache.compression must be a zstd level from 0 (off) to 19")
          }
          compressionLevel = level
        }
        if let compresses = try cache.boolean("compress_large_files") {
          compressesLargeFiles = compresses
        }
      }
      if let remotes = try yaml.mapping("remotes") {
        try applyRemotes(remotes, path: path)
      }
    } catch let issue as YAMLIssue {
      throw fail(issue)
    } catch {
      throw fail(YAMLIssue(line: nil, message: "\(error)"))
    }
  }
}
