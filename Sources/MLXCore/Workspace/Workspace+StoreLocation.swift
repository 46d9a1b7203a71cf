/// Where the object store may be.
extension Workspace {
  /// Where the object store is: `cache.dir` (relative to the main work tree), or
  /// `MLX_CACHE_DIR`.
  var storeDirectory: String {
    configuration.cacheDirectory.hasPrefix("/")
      ? configuration.cacheDirectory : storeRoot + "/" + configuration.cacheDirectory
  }

  /// A store named by the committed configuration must resolve (symbolic links followed) to
  /// a folder under `.mlx/`, and no store may be inside `.git`: a commit must not make mlx
  /// write elsewhere.
  func checkStoreLocation() throws {
    let real = FileSystem.resolvedPath(storeDirectory)
    let realRoot = FileSystem.realPath(storeRoot) ?? storeRoot
    let outsideMetadata = !real.hasPrefix(realRoot + "/.mlx/")
    if real == realRoot + "/.git" || real.hasPrefix(realRoot + "/.git/")
      || (configuration.cacheDirectoryIsCommitted && outsideMetadata)
    {
      throw WorkspaceError.invalidConfiguration(
        path: ".mlx/config.yaml", line: nil,
        problem: "the store \(configuration.cacheDirectory) resolves to \(real), outside "
          + ".mlx/ (a symbolic link?); mlx writes its store nowhere else for a committed "
          + "setting: remove the link, or set cache.dir in .mlx/config.local.yaml")
    }
  }
}
