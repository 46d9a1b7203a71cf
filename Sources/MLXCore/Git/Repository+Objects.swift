internal import CGit2

/// A person as Git config names them (`user.name`, `user.email`).
public struct GitIdentity: Codable, Sendable, Equatable {
  public var name: String
  public var email: String
}

/// A commit's metadata, read from the object database.
public struct CommitInfo: Sendable {
  public let id: GitOID
  public let message: String
  /// Committer time, seconds since the epoch.
  public let time: Int64
  public let author: GitIdentity
  public let parents: [GitOID]
}

extension GitOID {
  /// Parses 40 hex digits.
  public init?(hex: String) {
    // Checked here first: libgit2 reports a bad digit through its error state, which needs
    // the library initialised; 40 hex digits always parse.
    guard hex.utf8.count == 40,
      hex.utf8.allSatisfy({
        (48...57).contains($0) || (97...102).contains($0) || (65...70).contains($0)
      })
    else { return nil }
    var oid = git_oid()
    guard git_oid_fromstr(&oid, hex) == 0 else { return nil }
    self.init(oid)
  }

  func withRaw<T>(_ body: (UnsafePointer<git_oid>) throws -> T) rethrows -> T {
    var oid = git_oid()
    _ = git_oid_fromstr(&oid, hex)
    return try body(&oid)
  }
}

extension Repository {
  // MARK: - Identity and HEAD

  /// Who is acting, as git names the committer (and a tagger): `GIT_COMMITTER_NAME` and
  /// `GIT_COMMITTER_EMAIL` when set, else `user.name` and `user.email` from Git config; nil
  /// when neither names them.
  public func identity() -> GitIdentity? {
    let name = Environment.value("GIT_COMMITTER_NAME").flatMap { $0.isEmpty ? nil : $0 }
    let email = Environment.value("GIT_COMMITTER_EMAIL").flatMap { $0.isEmpty ? nil : $0 }
    if let name, let email { return GitIdentity(name: name, email: email) }
    var signature: UnsafeMutablePointer<git_signature>?
    guard git_signature_default(&signature, handle) == 0, let signature else { return nil }
    defer { git_signature_free(signature) }
    return GitIdentity(
      name: name ?? String(cString: signature.pointee.name),
      email: email ?? String(cString: signature.pointee.email))
  }

  /// The branch HEAD points to (`main`), or nil when HEAD is detached or unborn.
  public func currentBranch() -> String? {
    var reference: OpaquePointer?
    guard git_repository_head(&reference, handle) == 0, let reference else { return nil }
    defer { git_reference_free(reference) }
    guard git_reference_is_branch(reference) != 0 else { return nil }
    return String(cString: git_reference_shorthand(reference))
  }

  /// The files Git tracks that differ from HEAD, in the index or the work tree (untracked and
  /// ignored files do not count), in Git's order.
  public func uncommittedChanges() throws -> [String] {
    var options = git_status_options()
    try check(
      git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)),
      "git_status_options_init")
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue
    let list = try makeHandle("git_status_list_new") { git_status_list_new(&$0, handle, &options) }
    defer { git_status_list_free(list) }
    var paths: [String] = []
    for position in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, position) else { continue }
      let delta = entry.pointee.index_to_workdir ?? entry.pointee.head_to_index
      guard let delta, let path = delta.pointee.new_file.path ?? delta.pointee.old_file.path else {
        continue
      }
      paths.append(String(cString: path))
    }
    return paths
  }

  // MARK: - Writing objects

  /// Writes a commit whose tree holds `files` (names without slashes) and points
  /// `reference` at it, creating or moving the reference.
  @discardableResult
  public func writeCommit(
    files: [(name: String, content: [UInt8])],
    message: String,
    author: GitIdentity,
    time: Int64,
    parent: GitOID?,
    reference: String
  ) throws -> GitOID {
    let builder = try makeHandle("git_treebuilder_new") { git_treebuilder_new(&$0, handle, nil) }
    defer { git_treebuilder_free(builder) }
    for (name, content) in files {
      var blob = git_oid()
      _ = try content.withUnsafeBytes { (raw) throws in
        try check(
          git_blob_create_from_buffer(&blob, handle, raw.baseAddress, raw.count),
          "git_blob_create_from_buffer")
      }
      try check(
        git_treebuilder_insert(nil, builder, name, &blob, GIT_FILEMODE_BLOB),
        "git_treebuilder_insert")
    }
    var treeID = git_oid()
    try check(git_treebuilder_write(&treeID, builder), "git_treebuilder_write")
    let tree = try makeHandle("git_tree_lookup") { git_tree_lookup(&$0, handle, &treeID) }
    defer { git_tree_free(tree) }

    var signature: UnsafeMutablePointer<git_signature>?
    try check(
      git_signature_new(&signature, author.name, author.email, time, 0), "git_signature_new")
    defer { git_signature_free(signature) }

    var parentCommit: OpaquePointer?
    if let parent {
      parentCommit = try parent.withRaw { (id) throws -> OpaquePointer in
        try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, id) }
      }
    }
    defer { if let parentCommit { git_commit_free(parentCommit) } }
    var commitID = git_oid()
    var parents: [OpaquePointer?] = parentCommit.map { [$0] } ?? []
    _ = try parents.withUnsafeMutableBufferPointer { (buffer) throws in
      try check(
        git_commit_create(
          &commitID, handle, nil, signature, signature, "UTF-8", message, tree, buffer.count,
          buffer.baseAddress),
        "git_commit_create")
    }
    var created: OpaquePointer?
    try check(
      git_reference_create(&created, handle, reference, &commitID, 1, "mlx: \(reference)"),
      "git_reference_create")
    git_reference_free(created)
    return GitOID(commitID)
  }

  /// Deletes a reference; a missing one is not an error.
  public func deleteReference(_ name: String) throws {
    let code = git_reference_remove(handle, name)
    if code == GIT_ENOTFOUND.rawValue { return }
    try check(code, "git_reference_remove")
  }

  // MARK: - Reading objects

  /// Every reference whose name matches `glob` (`refs/mlx/runs/*`), with the object it
  /// points to.
  public func references(matching glob: String) throws -> [(name: String, target: GitOID)] {
    let iterator = try makeHandle("git_reference_iterator_glob_new") {
      git_reference_iterator_glob_new(&$0, handle, glob)
    }
    defer { git_reference_iterator_free(iterator) }
    var result: [(String, GitOID)] = []
    var reference: OpaquePointer?
    while git_reference_next(&reference, iterator) == 0, let current = reference {
      if let target = git_reference_target(current) {
        result.append((String(cString: git_reference_name(current)), GitOID(target)))
      }
      git_reference_free(current)
      reference = nil
    }
    return result
  }

  /// The object a direct reference points to, as `references(matching:)` lists it; nil when
  /// there is no such reference, the name is not a valid one, or the reference is symbolic.
  public func directTarget(ofReference name: String) throws -> GitOID? {
    var reference: OpaquePointer?
    guard git_reference_lookup(&reference, handle, name) == 0, let found = reference else {
      return nil
    }
    defer { git_reference_free(found) }
    return git_reference_target(found).map(GitOID.init)
  }

  /// The object a reference points to, or nil when there is no such reference.
  public func resolveReference(_ name: String) throws -> GitOID? {
    var oid = git_oid()
    let code = git_reference_name_to_id(&oid, handle, name)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "git_reference_name_to_id")
    return GitOID(oid)
  }

  /// A commit's message, time, author and parents.
  public func commitInfo(_ id: GitOID) throws -> CommitInfo {
    let commit = try id.withRaw { (raw) throws -> OpaquePointer in
      try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, raw) }
    }
    defer { git_commit_free(commit) }
    let author = git_commit_author(commit)!.pointee
    let parents = (0..<git_commit_parentcount(commit)).compactMap {
      git_commit_parent_id(commit, $0).map(GitOID.init)
    }
    return CommitInfo(
      id: id, message: String(cString: git_commit_message(commit)),
      time: Int64(git_commit_time(commit)),
      author: GitIdentity(name: String(cString: author.name), email: String(cString: author.email)),
      parents: parents)
  }

  /// The id of the blob at `path` in a commit's tree, or nil when there is none: compare ids
  /// to tell whether a file changed between commits without reading it.
  public func blobID(_ path: String, inCommit id: GitOID) throws -> GitOID? {
    let commit = try id.withRaw { (raw) throws -> OpaquePointer in
      try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, raw) }
    }
    defer { git_commit_free(commit) }
    let tree = try makeHandle("git_commit_tree") { git_commit_tree(&$0, commit) }
    defer { git_tree_free(tree) }
    return try Self.blobID(path, in: tree)
  }

  /// The id of the blob at `path` in a tree the caller holds open.
  fileprivate static func blobID(_ path: String, in tree: OpaquePointer) throws -> GitOID? {
    var entry: OpaquePointer?
    let code = git_tree_entry_bypath(&entry, tree, path)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "git_tree_entry_bypath")
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
    return git_tree_entry_id(entry).map(GitOID.init)
  }

  /// One commit of a first-parent walk: its id, committer time, and the blobs of its tree,
  /// looked up while the walk holds the tree open (only inside the walk's closure).
  struct CommitStep {
    let id: GitOID
    /// Committer time, seconds since the epoch.
    let time: Int64
    fileprivate let tree: OpaquePointer

    /// The id of the blob at `path`, or nil when there is none.
    func blobID(_ path: String) throws -> GitOID? { try Repository.blobID(path, in: tree) }

    /// Whether anything (a blob, a tree, a link, a submodule) is at `path`.
    func hasEntry(_ path: String) throws -> Bool {
      var entry: OpaquePointer?
      let code = git_tree_entry_bypath(&entry, tree, path)
      if code == GIT_ENOTFOUND.rawValue { return false }
      try check(code, "git_tree_entry_bypath")
      git_tree_entry_free(entry)
      return true
    }
  }

  /// Walks first parents from `tip`, newest first, until `stop` (not visited) or the root;
  /// returns whether `stop` was reached. One commit and one tree lookup per step.
  @discardableResult
  func walkFirstParents(from tip: GitOID, until stop: GitOID?, _ visit: (CommitStep) throws -> Void)
    throws -> Bool
  {
    var next: GitOID? = tip
    var seen: Set<String> = []
    while let id = next, seen.insert(id.hex).inserted {
      if id == stop { return true }
      let commit = try id.withRaw { (raw) throws -> OpaquePointer in
        try makeHandle("git_commit_lookup") { git_commit_lookup(&$0, handle, raw) }
      }
      defer { git_commit_free(commit) }
      let tree = try makeHandle("git_commit_tree") { git_commit_tree(&$0, commit) }
      defer { git_tree_free(tree) }
      try visit(CommitStep(id: id, time: Int64(git_commit_time(commit)), tree: tree))
      next =
        git_commit_parentcount(commit) > 0 ? git_commit_parent_id(commit, 0).map(GitOID.init) : nil
    }
    return false
  }

  /// A blob's content.
  public func blob(_ id: GitOID) throws -> [UInt8] {
    let blob = try id.withRaw { (raw) throws -> OpaquePointer in
      try makeHandle("git_blob_lookup") { git_blob_lookup(&$0, handle, raw) }
    }
    defer { git_blob_free(blob) }
    return Array(
      UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob))))
  }

  /// The name a symbolic reference points to (`refs/remotes/origin/HEAD` →
  /// `refs/remotes/origin/main`), or nil when it is absent or not symbolic.
  public func symbolicTarget(ofReference name: String) -> String? {
    var reference: OpaquePointer?
    guard git_reference_lookup(&reference, handle, name) == 0, let found = reference else {
      return nil
    }
    defer { git_reference_free(found) }
    return git_reference_symbolic_target(found).map { String(cString: $0) }
  }

  /// A commit's signature (the `gpgsig` header) and the bytes it signs, or nil for an
  /// unsigned commit.
  public func commitSignature(_ id: GitOID) throws -> (signature: String, payload: [UInt8])? {
    var signature = git_buf()
    var payload = git_buf()
    defer {
      git_buf_dispose(&signature)
      git_buf_dispose(&payload)
    }
    var oid = git_oid()
    _ = git_oid_fromstr(&oid, id.hex)
    let code = git_commit_extract_signature(&signature, &payload, handle, &oid, nil)
    if code == GIT_ENOTFOUND.rawValue { return nil }
    try check(code, "git_commit_extract_signature")
    let text = String(cString: signature.ptr)
    let bytes = Array(UnsafeRawBufferPointer(start: payload.ptr, count: payload.size))
    return (text, bytes)
  }

  /// The content of the blob at `path` in a commit's tree, or nil when there is none.
  public func file(_ path: String, inCommit id: GitOID) throws -> [UInt8]? {
    try blobID(path, inCommit: id).map(blob)
  }
}
