internal import CGit2

/// The work trees of one repository (`git worktree add`): they share references, objects and,
/// through mlx, one object store.
extension Repository {
  /// Whether this is a linked work tree rather than the repository's main one.
  public var isLinkedWorkTree: Bool { git_repository_is_worktree(handle) == 1 }

  /// The main work tree's path when this is a linked one; nil for the main work tree itself
  /// and for a linked work tree of a bare repository.
  public func mainWorkTree() -> String? {
    guard isLinkedWorkTree else { return nil }
    var main: OpaquePointer?
    guard git_repository_open(&main, commonDirectory) == 0, let main else { return nil }
    defer { git_repository_free(main) }
    return git_repository_workdir(main).map { Self.trimmingSlash(String(cString: $0)) }
  }

  /// Every work tree of the repository that is still there: the main one (unless the
  /// repository is bare) and each linked one whose folder exists, this one included.
  public func allWorkTrees() throws(GitError) -> [String] {
    var paths = [isLinkedWorkTree ? mainWorkTree() : workTree].compactMap { $0 }
    var names = git_strarray()
    try check(git_worktree_list(&names, handle), "git_worktree_list")
    defer { git_strarray_dispose(&names) }
    for index in 0..<names.count {
      guard let name = names.strings[index] else { continue }
      var linked: OpaquePointer?
      guard git_worktree_lookup(&linked, handle, name) == 0, let linked else { continue }
      defer { git_worktree_free(linked) }
      guard git_worktree_validate(linked) == 0, let path = git_worktree_path(linked) else {
        continue
      }
      paths.append(Self.trimmingSlash(String(cString: path)))
    }
    return paths
  }
}
