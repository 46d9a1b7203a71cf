/// Where the object store may be.
extension Workspace {
  /// A store named by the committed configuration must resolve (symbolic links followed) to
  /// a folder under `.mlx/`, and no store may be inside `.git`: a commit must not make mlx
  /// write elsewhere.
  func checkStoreLocation() throws {
    let real = FileSystem.resolvedPath(storeDirectory)
    let realRoot = FileSystem.realPath(root) ?? root
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
