/// Which pointers a transfer or a remote check covers.
public enum RevisionSelection: Equatable, Sendable {
  /// The work tree's pointer files.
  case workTree
  /// The pointers committed at one revision (`--rev`).
  case revision(String)
  /// The pointers of every commit any branch, tag or other reference reaches.
  case allCommits
  /// The pointers of every commit a tag names (registry tags included).
  case allTags

  /// The revision's name for reports; nil for the work tree.
  public var name: String? {
    switch self {
    case .workTree: nil
    case .revision(let revision): revision
    case .allCommits: "all-commits"
    case .allTags: "all-tags"
    }
  }
}

/// The content roots a selection of pointers names.
extension Workspace {
  /// The content the pointers name, limited to `paths` when some are given. Over several
  /// commits each tree is read once, and a path whose content differs between commits is
  /// listed once per content as `path@commit`.
  func contentRoots(_ paths: [String], at selection: RevisionSelection) throws
    -> [(path: String, root: ObjectClosure.Root)]
  {
    let commits: [GitOID]
    switch selection {
    case .workTree:
      return try artifacts(named: paths).map {
        (
          $0.path,
          ObjectClosure.Root(digest: $0.pointer.digest, isDirectory: $0.pointer.isDirectory)
        )
      }
    case .revision(let revision):
      return try roots(paths, recorded: try pointers(at: revision), revision: revision)
    case .allCommits:
      commits = try repository.commits(reachableFrom: ["refs/*"])
    case .allTags:
      commits = try repository.commits(namedBy: "refs/tags/*")
    }
    var trees: Set<GitOID> = []
    var seen: Set<ObjectID> = []
    var result: [(path: String, root: ObjectClosure.Root)] = []
    for commit in commits where trees.insert(try repository.treeID(ofCommit: commit)).inserted {
      let recorded = try pointers(at: commit.hex)
      let wanted = try paths.map { try repositoryPath(for: $0) }
      for (path, root) in try roots([], recorded: recorded, revision: commit.hex)
      where wanted.isEmpty || wanted.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) {
        guard seen.insert(root.digest).inserted else { continue }
        result.append((commits.count == 1 ? path : "\(path)@\(commit.short)", root))
      }
    }
    if let path = paths.first, result.isEmpty {
      throw WorkspaceError.notTrackedAt(path: path, revision: selection.name ?? "HEAD")
    }
    return result
  }

  /// The roots of the pointers `recorded` at `revision`, limited to `paths`, each of which
  /// must be tracked there.
  private func roots(
    _ paths: [String], recorded: [String: PointerFile], revision: String
  ) throws -> [(path: String, root: ObjectClosure.Root)] {
    let wanted = try paths.map { try repositoryPath(for: $0) }
    for path in wanted
    where !recorded.keys.contains(where: { $0 == path || $0.hasPrefix(path + "/") }) {
      throw WorkspaceError.notTrackedAt(path: display(path), revision: revision)
    }
    return recorded.sorted { $0.key < $1.key }.filter { entry in
      wanted.isEmpty || wanted.contains { entry.key == $0 || entry.key.hasPrefix($0 + "/") }
    }.map {
      ($0.key, ObjectClosure.Root(digest: $0.value.digest, isDirectory: $0.value.isDirectory))
    }
  }
}
