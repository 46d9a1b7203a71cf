internal import CGit2

/// What an object leads to once annotated tags are followed.
enum PeeledObject: Equatable {
  case commit(GitOID)
  case tree(GitOID)
  /// A blob, or a chain of tags too long to follow.
  case other
}

/// Reading everything the references reach, for `mlx gc`: every reference, every commit of
/// history, and the files of trees, each tree read once however many commits share it.
extension Repository {
  /// Whether the clone is shallow: history ends at commits whose parents it lacks.
  var isShallow: Bool { git_repository_is_shallow(handle) == 1 }

  /// Every reference that points at an object (symbolic ones, such as
  /// `refs/remotes/origin/HEAD`, name another reference and are left out), with its target.
  func allReferences() throws -> [(name: String, target: GitOID)] {
    let iterator = try makeHandle("git_reference_iterator_new") {
      git_reference_iterator_new(&$0, handle)
    }
    defer { git_reference_iterator_free(iterator) }
    var result: [(String, GitOID)] = []
    var reference: OpaquePointer?
    while true {
      let code = git_reference_next(&reference, iterator)
      if code == GIT_ITEROVER.rawValue { break }
      try check(code, "git_reference_next")
      guard let current = reference else { break }
      if let target = git_reference_target(current) {
        result.append((String(cString: git_reference_name(current)), GitOID(target)))
      }
      git_reference_free(current)
      reference = nil
    }
    return result
  }

  /// The commit or tree `id` leads to through annotated tags.
  func peel(_ id: GitOID) throws -> PeeledObject {
    var current = id
    for _ in 0..<32 {
      let object = try current.withRaw { raw in
        try makeHandle("git_object_lookup") {
          git_object_lookup(&$0, handle, raw, GIT_OBJECT_ANY)
        }
      }
      defer { git_object_free(object) }
      switch git_object_type(object) {
      case GIT_OBJECT_COMMIT: return .commit(current)
      case GIT_OBJECT_TREE: return .tree(current)
      case GIT_OBJECT_TAG:
        // A tag object is a git_object; git_tag_target_id reads its `object` header.
        current = GitOID(git_tag_target_id(object))
      default: return .other
      }
    }
    return .other
  }

  /// A commit's tree and parents.
  func commitLinks(_ id: GitOID) throws -> (tree: GitOID, parents: [GitOID]) {
    let commit = try id.withRaw { (raw) throws -> OpaquePointer in
      try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, raw) }
    }
    defer { git_commit_free(commit) }
    let parents = (0..<git_commit_parentcount(commit)).compactMap {
      git_commit_parent_id(commit, $0).map(GitOID.init)
    }
    return (GitOID(git_commit_tree_id(commit)), parents)
  }

  /// The blobs of tree `tree` whose names end with `suffix`, with their paths, leaving out
  /// the trees in `seen` (read before) and adding every tree read to it.
  func blobs(
    inTree tree: GitOID, withSuffix suffix: String, skipping seen: inout Set<GitOID>
  ) throws -> [(path: String, blob: GitOID)] {
    guard seen.insert(tree).inserted else { return [] }
    let handle = try tree.withRaw { raw in
      try makeHandle("git_tree_lookup") { git_tree_lookup(&$0, self.handle, raw) }
    }
    defer { git_tree_free(handle) }

    final class Walk {
      let suffix: String
      var seen: Set<GitOID> = []
      var found: [(path: String, blob: GitOID)] = []
      init(suffix: String) { self.suffix = suffix }
    }
    let walk = Walk(suffix: suffix)
    // Lend the set to the walk rather than copy it: it holds every tree of history.
    swap(&walk.seen, &seen)
    defer { swap(&walk.seen, &seen) }
    let visit: git_treewalk_cb = { root, entry, payload in
      let walk = Unmanaged<Walk>.fromOpaque(payload!).takeUnretainedValue()
      guard let entry, let id = git_tree_entry_id(entry).map(GitOID.init) else { return 0 }
      switch git_tree_entry_type(entry) {
      case GIT_OBJECT_TREE:
        // A positive answer skips the subtree (pre-order walk): it was read before.
        return walk.seen.insert(id).inserted ? 0 : 1
      case GIT_OBJECT_BLOB:
        let name = String(cString: git_tree_entry_name(entry))
        if name.hasSuffix(walk.suffix) {
          walk.found.append(((root.map { String(cString: $0) } ?? "") + name, id))
        }
        return 0
      default:
        return 0
      }
    }
    try check(
      git_tree_walk(handle, GIT_TREEWALK_PRE, visit, Unmanaged.passUnretained(walk).toOpaque()),
      "git_tree_walk")
    return walk.found
  }

  /// The index entries (of every stage, conflicts included) whose paths end with `suffix`,
  /// with the blobs they stage.
  func indexedBlobs(withSuffix suffix: String) throws -> [(path: String, blob: GitOID)] {
    let index = try makeHandle("git_repository_index") { git_repository_index(&$0, handle) }
    defer { git_index_free(index) }
    try check(git_index_read(index, 0), "git_index_read")
    var found: [(String, GitOID)] = []
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position) else { continue }
      let path = String(cString: entry.pointee.path)
      if path.hasSuffix(suffix) { found.append((path, GitOID(entry.pointee.id))) }
    }
    return found
  }
}
