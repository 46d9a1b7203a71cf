/// The façade commands talk to: one Git repository with its mlx settings and object store.
///
/// Commands open a `Workspace`, call one method, and print the result; they never reach into
/// ``Repository`` or ``ObjectStore`` themselves.
public final class Workspace {
  public let repository: Repository
  public let configuration: WorkspaceConfiguration
  /// The work tree: where it is, and where mlx was run from.
  let location: WorkTreeLocation
  /// The work tree's absolute path.
  public var root: String { location.root }
  /// The work tree whose `.mlx/` holds the object store: the main work tree for a linked one
  /// (`git worktree add`), so every work tree of a repository shares one store.
  let storeRoot: String
  /// The directory the user ran mlx from, for resolving and printing paths.
  var currentDirectory: String { location.currentDirectory }

  static let metadataDirectoryName = ".mlx"
  var metadataDirectory: String { root + "/" + Self.metadataDirectoryName }
  var stateDirectory: String { metadataDirectory + "/state" }
  var statCachePath: String { stateDirectory + "/stat-cache" }
  /// Where work-tree writes stage their temporary files (`.mlx/tmp`, ignored by Git).
  var temporaryDirectory: String { location.temporaryDirectory }

  private var openedStore: ObjectStore?

  init(repository: Repository, configuration: WorkspaceConfiguration, currentDirectory: String) {
    self.repository = repository
    self.configuration = configuration
    location = WorkTreeLocation(root: repository.workTree, currentDirectory: currentDirectory)
    storeRoot = repository.mainWorkTree() ?? repository.workTree
    // Temporary files in this work tree carry a tag under this repository's key.
    TemporaryFiles.useKey(at: repository.workTree + "/.mlx/state/temporary-files.key")
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
    try configuration.checkRemotesHaveURLs()
    if let directory = Environment.value("MLX_CACHE_DIR"), !directory.isEmpty {
      configuration.cacheDirectory = directory
      configuration.cacheDirectoryIsCommitted = false
    }
    return configuration
  }

  /// The object store, opened on first use. A store named by the committed configuration
  /// must resolve (symbolic links followed) to a folder under `.mlx/`, and no store may be
  /// inside `.git`: a commit must not make mlx write elsewhere.
  public func store() throws -> ObjectStore {
    if let openedStore { return openedStore }
    try checkStoreLocation()
    let store = try ObjectStore.open(at: storeDirectory)
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

  /// Which new objects to compress, from the configuration.
  var compression: CompressionPolicy {
    CompressionPolicy(
      level: configuration.compressionLevel > 0 ? Int32(configuration.compressionLevel) : nil,
      compressesLargeFiles: configuration.compressesLargeFiles)
  }

  // MARK: - Paths

  /// An absolute path for a repository-relative one.
  func absolute(_ relative: String) -> String { location.absolute(relative) }

  /// How to show a repository-relative path to the user: relative to where mlx was run.
  public func display(_ relative: String) -> String { location.display(relative) }

  // MARK: - The work tree

  /// Reads what is at `path` now (see ``WorkTreeLocation/content(of:asDirectory:statCache:)``).
  func currentContent(of path: String, asDirectory: Bool, statCache: inout StatCache) throws
    -> WorkTreeContent
  {
    try location.content(of: path, asDirectory: asDirectory, statCache: &statCache)
  }

  /// The stored manifest of a tracked directory, or nil when it is not in the store.
  func storedManifest(_ digest: ObjectID, for path: String) throws -> DirectoryManifest? {
    try location.storedManifest(digest, for: path, in: try store())
  }

  /// Writes files from the store into the work tree.
  func workTreeWriter() throws -> WorkTreeWriter {
    WorkTreeWriter(location: location, store: try store())
  }
}
