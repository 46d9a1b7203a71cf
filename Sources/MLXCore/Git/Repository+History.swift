internal import CGit2

/// Walking history: the commits references reach, and each commit's tree.
extension Repository {
  /// Every commit reachable from the references matching `globs` (`refs/heads/*`,
  /// `refs/tags/*`, ...) and from HEAD, each once, newest first. References to objects that
  /// are not commits (a tag of a blob, a run record) are skipped.
  public func commits(reachableFrom globs: [String]) throws -> [GitOID] {
    let walk = try makeHandle("git_revwalk_new") { git_revwalk_new(&$0, handle) }
    defer { git_revwalk_free(walk) }
    git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue)
    for glob in globs {
      try check(git_revwalk_push_glob(walk, glob), "git_revwalk_push_glob")
    }
    let head = git_revwalk_push_head(walk)
    // An unborn HEAD (no commit yet) or a detached one that is gone: nothing to add.
    if head != 0 && head != GIT_ENOTFOUND.rawValue && head != GIT_EUNBORNBRANCH.rawValue {
      try check(head, "git_revwalk_push_head")
    }
    var result: [GitOID] = []
    var oid = git_oid()
    while true {
      let code = git_revwalk_next(&oid, walk)
      if code == GIT_ITEROVER.rawValue { break }
      try check(code, "git_revwalk_next")
      result.append(GitOID(oid))
    }
    return result
  }

  /// The commit each reference matching `glob` leads to (annotated tags peeled), each once;
  /// references to anything else are skipped.
  public func commits(namedBy glob: String) throws -> [GitOID] {
    var seen: Set<GitOID> = []
    var result: [GitOID] = []
    for (_, target) in try references(matching: glob) {
      var id = git_oid()
      guard git_oid_fromstr(&id, target.hex) == 0 else { continue }
      var object: OpaquePointer?
      guard git_object_lookup(&object, handle, &id, GIT_OBJECT_ANY) == 0, let found = object
      else { continue }
      defer { git_object_free(found) }
      var commit: OpaquePointer?
      guard git_object_peel(&commit, found, GIT_OBJECT_COMMIT) == 0, let peeled = commit else {
        continue
      }
      defer { git_object_free(peeled) }
      let commitID = GitOID(git_object_id(peeled))
      if seen.insert(commitID).inserted { result.append(commitID) }
    }
    return result
  }

  /// The id of a commit's tree.
  public func treeID(ofCommit commitID: GitOID) throws -> GitOID {
    var id = git_oid()
    try check(git_oid_fromstr(&id, commitID.hex), "git_oid_fromstr")
    let commit = try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, &id) }
    defer { git_commit_free(commit) }
    return GitOID(git_commit_tree_id(commit))
  }
}

// MARK: - Bringing references in

extension Repository {
  /// What ``adoptReferences(from:into:)`` did with each incoming reference.
  public struct AdoptedReferences: Codable, Sendable, Equatable {
    /// References created or moved forward.
    public var updated: [String] = []
    /// Local references kept because the incoming one would rewrite them.
    public var refused: [String] = []
  }

  /// Moves the references fetched under `staging` (`refs/mlx-incoming/`) to their names under
  /// `refs/` (`refs/mlx-incoming/tags/v1` → `refs/tags/v1`), then deletes the staged ones.
  /// A new name is created; an existing one moves only forward (the incoming commit
  /// descends from it) and never for a tag, so a remote cannot rewrite local history. Under
  /// `refs/mlx/`, only the kinds mlx writes are taken: runs that are commits and approvals
  /// that are annotated tags; anything else is refused.
  public func adoptReferences(from staging: String) throws -> AdoptedReferences {
    var result = AdoptedReferences()
    for (name, target) in try references(matching: staging + "*") {
      defer { try? deleteReference(name) }
      let local = "refs/" + name.dropFirst(staging.count)
      var targetID = git_oid()
      try check(git_oid_fromstr(&targetID, target.hex), "git_oid_fromstr")
      if local.hasPrefix("refs/mlx/") {
        let expected: git_object_t? =
          local.hasPrefix("refs/mlx/runs/")
          ? GIT_OBJECT_COMMIT : local.hasPrefix("refs/mlx/approvals/") ? GIT_OBJECT_TAG : nil
        var object: OpaquePointer?
        var found =
          expected.map { git_object_lookup(&object, handle, &targetID, $0) == 0 } ?? false
        if let object { git_object_free(object) }
        // A run is a commit holding its record.
        if found && expected == GIT_OBJECT_COMMIT {
          found = (try? blobID("run.json", inCommit: target)) != nil
        }
        guard found else {
          result.refused.append(local)
          continue
        }
      }
      if let existing = try directTarget(ofReference: local) {
        if existing == target { continue }
        var existingID = git_oid()
        try check(git_oid_fromstr(&existingID, existing.hex), "git_oid_fromstr")
        let forward =
          !local.hasPrefix("refs/tags/")
          && git_graph_descendant_of(handle, &targetID, &existingID) == 1
        guard forward else {
          result.refused.append(local)
          continue
        }
      }
      var created: OpaquePointer?
      try check(
        git_reference_create(&created, handle, local, &targetID, 1, "mlx fetch --git"),
        "git_reference_create")
      git_reference_free(created)
      result.updated.append(local)
    }
    return result
  }
}
