/// What `mlx init` did.
public struct InitResult: Sendable {
  /// The work tree's root.
  public let root: String
  /// False when mlx was already set up there.
  public let created: Bool
}

extension Workspace {
  /// The `.mlx/.gitignore` that keeps the cache, temporary files and local state out of Git.
  static let metadataIgnoreText = """
    # Written by mlx init: local data that is never committed.
    /cache/
    /tmp/
    /state/
    /config.local.yaml
    /keys/

    """

  /// Sets up mlx in the Git repository containing `path`: `.mlx/config.yaml` and
  /// `.mlx/.gitignore`, staged in the index. Running it again changes nothing.
  public static func initialize(at path: String? = nil) throws -> InitResult {
    let repository = try discoverRepository(from: path)
    let directory = repository.workTree + "/" + metadataDirectoryName
    try FileSystem.createDirectories(directory)
    var created = false
    let files = [
      ("config.yaml", WorkspaceConfiguration.initialText),
      (".gitignore", metadataIgnoreText),
    ]
    for (name, text) in files where try FileStatus.of(directory + "/" + name) == nil {
      try FileSystem.write(Array(text.utf8), atomicallyTo: directory + "/" + name)
      created = true
    }
    // Validates the configuration, so a broken file is reported now rather than later.
    _ = try loadConfiguration(root: repository.workTree)
    try repository.stage(files.map { metadataDirectoryName + "/" + $0.0 })
    return InitResult(root: repository.workTree, created: created)
  }
}
