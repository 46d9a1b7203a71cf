/// The façade commands talk to: one Git repository with its mlx settings and object store.
///
/// Commands open a `Workspace`, call one method, and print the result; they never reach into
/// ``Repository`` or ``ObjectStore`` themselves.
public final class Workspace {
  public let repository: Repository
  /// The work tree's absolute path.
  public let root: String
  public let configuration: WorkspaceConfiguration
  /// The directory the user ran mlx from, for resolving and printing paths.
  let currentDirectory: String

  static let metadataDirectoryName = ".mlx"
  var metadataDirectory: String { root + "/" + Self.metadataDirectoryName }
  var stateDirectory: String { metadataDirectory + "/state" }
  var statCachePath: String { stateDirectory + "/stat-cache" }
  /// Where work-tree writes stage their temporary files (`.mlx/tmp`, ignored by Git).
  var temporaryDirectory: String { metadataDirectory + "/tmp" }

  private var openedStore: ObjectStore?

  init(repository: Repository, configuration: WorkspaceConfiguration, currentDirectory: String) {
    self.repository = repository
    self.root = repository.workTree
    self.configuration = configuration
    self.currentDirectory = currentDirectory
  }

  /// Opens the workspace containing `path` (default: the current directory).
  ///
  /// - Parameter requiringSetup: false for commands that only need Git (the registry works
  ///   on any repository, as GTO does).
  /// - Throws: ``WorkspaceError/notARepository(path:)`` outside Git,
  ///   ``WorkspaceError/notInitialized(root:)`` before `mlx init`.
  public static func open(at path: String? = nil, requiringSetup: Bool = true) throws -> Workspace {
    let repository = try discoverRepository(from: path)
    let configuration = try loadConfiguration(root: repository.workTree)
    if requiringSetup, try FileStatus.of(repository.workTree + "/.mlx/config.yaml") == nil {
      throw WorkspaceError.notInitialized(root: repository.workTree)
    }
    return Workspace(
      repository: repository, configuration: configuration,
      currentDirectory: try absoluteDirectory(path))
  }

  static func discoverRepository(from path: String?) throws -> Repository {
    let start = try absoluteDirectory(path)
    do {
      return try Repository.discover(from: start)
    } catch let error where error.isNotFound {
      throw WorkspaceError.notARepository(path: start)
    }
  }

  private static func absoluteDirectory(_ path: String?) throws -> String {
    let current = try FileSystem.currentDirectory()
    let joined = path.map { $0.hasPrefix("/") ? $0 : FileSystem.join(current, $0) } ?? current
    // libgit2 reports the work tree with symbolic links resolved; do the same here.
    return FileSystem.realPath(joined) ?? joined
  }

  static func loadConfiguration(root: String) throws -> WorkspaceConfiguration {
    var configuration = WorkspaceConfiguration()
    for name in ["config.yaml", "config.local.yaml"] {
      let path = "\(root)/.mlx/\(name)"
      if let text = try FileSystem.readTextIfPresent(path) {
        try configuration.apply(text, path: ".mlx/\(name)")
      }
    }
    if let directory = Environment.value("MLX_CACHE_DIR"), !directory.isEmpty {
      configuration.cacheDirectory = directory
    }
    return configuration
  }

  /// The object store, opened on first use.
  public func store() throws -> ObjectStore {
    if let openedStore { return openedStore }
    let directory =
      configuration.cacheDirectory.hasPrefix("/")
      ? configuration.cacheDirectory : root + "/" + configuration.cacheDirectory
    let store = try ObjectStore.open(at: directory)
    openedStore = store
    return store
  }

  /// Holds the workspace lock for the rest of a mutating command; waits for other mlx
  /// processes, saying so on standard error.
  func lock() throws -> FileLock {
    try FileSystem.createDirectories(stateDirectory)
    try FileSystem.createDirectories(temporaryDirectory)
    let lock = try FileLock(path: stateDirectory + "/lock") {
      StandardError.write("mlx: waiting for another mlx process in this repository…\n")
    }
    TemporaryFiles.removeAbandoned(in: temporaryDirectory)
    return lock
  }

  /// The zstd level for new objects, or nil for none.
  var compressionLevel: Int32? {
    configuration.compressionLevel > 0 ? Int32(configuration.compressionLevel) : nil
  }

  // MARK: - Paths

  /// An absolute path for a repository-relative one.
  func absolute(_ relative: String) -> String {
    relative.isEmpty ? root : root + "/" + relative
  }

  /// How to show a repository-relative path to the user: relative to where mlx was run.
  public func display(_ relative: String) -> String {
    let here = currentDirectory == root ? "" : String(currentDirectory.dropFirst(root.count + 1))
    guard currentDirectory.hasPrefix(root), !here.isEmpty else { return relative }
    if relative.hasPrefix(here + "/") { return String(relative.dropFirst(here.count + 1)) }
    let depth = here.split(separator: "/").count
    return String(repeating: "../", count: depth) + relative
  }
}
