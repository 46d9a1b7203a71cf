extension Workspace {
  /// Turns a path the user typed (relative to where mlx runs) into a repository-relative one.
  ///
  /// `..` is resolved, and symbolic links in the directories leading to the path are followed,
  /// so no spelling can reach outside the work tree.
  /// - Throws: ``WorkspaceError/outsideRepository(path:root:)``,
  ///   ``WorkspaceError/repositoryRoot(path:)`` or ``WorkspaceError/insideMetadata(path:)``.
  public func repositoryPath(for userPath: String) throws -> String {
    let joined = userPath.hasPrefix("/") ? userPath : currentDirectory + "/" + userPath
    let normalized = Self.normalize(joined)
    let parent = FileSystem.parent(of: normalized)
    let name = String(normalized.dropFirst(parent == "/" ? 1 : parent.count + 1))
    let resolvedParent = FileSystem.realPath(parent) ?? parent
    let full = name.isEmpty ? resolvedParent : FileSystem.join(resolvedParent, name)
    guard full == root || full.hasPrefix(root + "/") else {
      throw WorkspaceError.outsideRepository(path: userPath, root: root)
    }
    let relative = full == root ? "" : String(full.dropFirst(root.count + 1))
    if relative.isEmpty { throw WorkspaceError.repositoryRoot(path: userPath) }
    if RelativePath.reservedComponent(of: relative) != nil {
      throw WorkspaceError.insideMetadata(path: relative)
    }
    return relative
  }

  /// Resolves `.` and `..` components of an absolute path without touching the disk.
  static func normalize(_ path: String) -> String {
    var parts: [Substring] = []
    for component in path.split(separator: "/") {
      if component == "." { continue }
      if component == ".." {
        _ = parts.popLast()
      } else {
        parts.append(component)
      }
    }
    return "/" + parts.joined(separator: "/")
  }
}
