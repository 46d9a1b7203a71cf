internal import CGit2
import Foundation

/// A Git repository with a work tree, opened with libgit2.
///
/// The instance owns its `git_repository` handle and frees it in `deinit`. libgit2 objects are
/// used by one thread at a time, so this type is not `Sendable`.
public final class Repository {
  let handle: OpaquePointer
  /// The object database, opened on first use and owned by this instance.
  private var openedDatabase: OpaquePointer?

  /// The work tree's absolute path, without a trailing slash.
  public let workTree: String
  /// The `.git` directory's absolute path, without a trailing slash.
  public let gitDirectory: String
  /// Where shared references live: `gitDirectory`, or the main `.git` for a linked work tree.
  public let commonDirectory: String

  private init(handle: OpaquePointer) throws(GitError) {
    self.handle = handle
    guard let workdir = git_repository_workdir(handle) else {
      git_repository_free(handle)
      throw GitError(
        code: -1, function: "git_repository_workdir",
        message: "the repository is bare; mlx needs a work tree")
    }
    workTree = Self.trimmingSlash(String(cString: workdir))
    gitDirectory = Self.trimmingSlash(String(cString: git_repository_path(handle)))
    commonDirectory = Self.trimmingSlash(String(cString: git_repository_commondir(handle)))
  }

  deinit {
    if let openedDatabase { git_odb_free(openedDatabase) }
    git_repository_free(handle)
  }

  /// The repository's object database (`git_repository_odb`), kept for later reads.
  func objectDatabase() throws(GitError) -> OpaquePointer {
    if let openedDatabase { return openedDatabase }
    let database = try makeHandle("git_repository_odb") { git_repository_odb(&$0, handle) }
    openedDatabase = database
    return database
  }

  /// Opens the repository that contains `path`, searching parent directories as `git` does.
  public static func discover(from path: String) throws(GitError) -> Repository {
    _ = libgit2Initialized
    let handle = try makeHandle("git_repository_open_ext") {
      git_repository_open_ext(&$0, path, 0, nil)
    }
    return try Repository(handle: handle)
  }

  static func trimmingSlash(_ path: String) -> String {
    path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
  }

  // MARK: - Commits

  /// The commit `revision` names (`HEAD`, a branch, a tag, a hash, `HEAD~2`, …).
  public func commit(_ revision: String) throws(GitError) -> GitOID {
    let object = try makeHandle("git_revparse_single") {
      git_revparse_single(&$0, handle, revision)
    }
    defer { git_object_free(object) }
    let commit = try makeHandle("git_object_peel") {
      git_object_peel(&$0, object, GIT_OBJECT_COMMIT)
    }
    defer { git_object_free(commit) }
    return GitOID(git_object_id(commit))
  }

  /// The commit HEAD points to, or nil on a branch with no commits yet.
  public func headCommit() throws(GitError) -> GitOID? {
    var oid = git_oid()
    let code = git_reference_name_to_id(&oid, handle, "HEAD")
    if code == GIT_ENOTFOUND.rawValue || code == GIT_EUNBORNBRANCH.rawValue { return nil }
    try check(code, "git_reference_name_to_id")
    return GitOID(oid)
  }

  // MARK: - Trees

  /// Every blob in `revision`'s tree whose path ends with `suffix`, with its content.
  public func blobs(at revision: String, withSuffix suffix: String) throws(GitError)
    -> [(path: String, content: [UInt8])]
  {
    let object = try makeHandle("git_revparse_single") {
      git_revparse_single(&$0, handle, revision)
    }
    defer { git_object_free(object) }
    let tree = try makeHandle("git_object_peel") {
      git_object_peel(&$0, object, GIT_OBJECT_TREE)
    }
    defer { git_object_free(tree) }

    final class Matches {
      let suffix: String
      var found: [(String, git_oid)] = []
      init(suffix: String) { self.suffix = suffix }
    }
    let matches = Matches(suffix: suffix)
    let walk: git_treewalk_cb = { root, entry, payload in
      let matches = Unmanaged<Matches>.fromOpaque(payload!).takeUnretainedValue()
      guard let entry, git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return 0 }
      let name = String(cString: git_tree_entry_name(entry))
      guard name.hasSuffix(matches.suffix) else { return 0 }
      let prefix = root.map { String(cString: $0) } ?? ""
      matches.found.append((prefix + name, git_tree_entry_id(entry).pointee))
      return 0
    }
    try check(
      git_tree_walk(tree, GIT_TREEWALK_PRE, walk, Unmanaged.passUnretained(matches).toOpaque()),
      "git_tree_walk")

    var result: [(path: String, content: [UInt8])] = []
    for (path, oid) in matches.found {
      var id = oid
      let blob = try makeHandle("git_blob_lookup") { git_blob_lookup(&$0, handle, &id) }
      defer { git_blob_free(blob) }
      let size = Int(git_blob_rawsize(blob))
      let bytes = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size)
      result.append((path, Array(bytes)))
    }
    return result
  }

  // MARK: - Index

  /// Paths in the index that end with `suffix`.
  public func indexedPaths(withSuffix suffix: String) throws(GitError) -> [String] {
    try withIndex(writing: false) { index in
      var paths: [String] = []
      for position in 0..<git_index_entrycount(index) {
        guard let entry = git_index_get_byindex(index, position) else { continue }
        let path = String(cString: entry.pointee.path)
        if path.hasSuffix(suffix) { paths.append(path) }
      }
      return paths
    }
  }

  /// Whether the index has an entry for `path` (repository-relative).
  public func isIndexed(_ path: String) throws(GitError) -> Bool {
    try withIndex(writing: false) { git_index_get_bypath($0, path, 0) != nil }
  }

  /// Stages work-tree files, as `git add` does.
  public func stage(_ paths: [String]) throws(GitError) {
    try withIndex(writing: true) { index throws(GitError) in
      for path in paths { try check(git_index_add_bypath(index, path), "git_index_add_bypath") }
    }
  }

  /// Removes paths from the index and keeps the files, as `git rm --cached` does.
  public func unstage(_ paths: [String]) throws(GitError) {
    try withIndex(writing: true) { index throws(GitError) in
      for path in paths {
        try check(git_index_remove_bypath(index, path), "git_index_remove_bypath")
      }
    }
  }

  /// Reads the index, runs `body` on it and, when `writing`, writes it back, after waiting
  /// (bounded, with a message) for another process's `index.lock`. When the lock is taken
  /// between the read and the write, the index is read again and `body` runs again: `body`
  /// must only describe the change (add these paths, remove those). When the wait runs out,
  /// nothing was written: the index is as it was.
  func withIndex<T>(
    writing: Bool,
    _ body: (OpaquePointer) throws(GitError) -> T
  ) throws(GitError) -> T {
    let waiter = IndexLockWaiter(lockPath: gitDirectory + "/index.lock")
    while true {
      if writing { try waiter.waitWhileLocked() }
      let index = try makeHandle("git_repository_index") { git_repository_index(&$0, handle) }
      defer { git_index_free(index) }
      try check(git_index_read(index, 0), "git_index_read")
      let stamp = writing ? Self.modificationSeconds(git_index_path(index)) : nil
      let result = try body(index)
      guard writing else { return result }
      if let stamp { try smudgeRacilyClean(index, since: stamp) }
      do {
        try check(git_index_write(index), "git_index_write")
        return result
      } catch  where error.isLocked {
        try waiter.waitWhileLocked()
      }
    }
  }

  /// Keeps git's racy-clean rule across a libgit2 index write.
  ///
  /// git trusts an entry whose size and mtime match its file only when the entry is older
  /// than the index file, comparing whole seconds; libgit2 compares nanoseconds. So after
  /// libgit2 rewrote the index, a file changed to the same size in the same second as the
  /// previous index write looked clean to git forever, and `git add -A` left the change out
  /// of the commit. As git does when it writes the index, the recorded size of every entry
  /// not older (in whole seconds) than the index it was read from is set to 0, which makes
  /// git and libgit2 compare the file's content next time.
  private func smudgeRacilyClean(_ index: OpaquePointer, since stamp: Int64) throws(GitError) {
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position),
        git_index_entry_stage(entry) == 0, entry.pointee.file_size != 0,
        Int64(entry.pointee.mtime.seconds) >= stamp
      else { continue }
      var smudged = entry.pointee
      smudged.file_size = 0
      try check(git_index_add(index, &smudged), "git_index_add")
    }
  }

  /// Whole seconds of a file's modification time; nil when it cannot be read.
  private static func modificationSeconds(_ path: UnsafePointer<CChar>?) -> Int64? {
    guard let path else { return nil }
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return Int64(info.st_mtim.tv_sec)
  }

  // MARK: - Status

  /// How a file stands against HEAD and the index.
  public enum FileState: Sendable, Equatable {
    /// In the index and in the work tree as in HEAD.
    case committed
    /// Staged: new or changed in the index compared with HEAD.
    case staged
    /// Changed in the work tree compared with the index.
    case modified
    /// In the work tree only.
    case untracked
    /// Removed from the work tree or the index.
    case deleted
  }

  /// The Git state of every changed or untracked file matching `pathspec`; unchanged files
  /// are absent from the result.
  public func changedFiles(matching pathspec: String) throws(GitError) -> [String: FileState] {
    var options = git_status_options()
    // The init function fills in the version and defaults so fields added later stay zeroed.
    try check(
      git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)),
      "git_status_options_init")
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
    let list = try withStringArray([pathspec]) { (array) throws(GitError) -> OpaquePointer in
      options.pathspec = array
      return try makeHandle("git_status_list_new") { git_status_list_new(&$0, handle, &options) }
    }
    defer { git_status_list_free(list) }

    var states: [String: FileState] = [:]
    for position in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, position) else { continue }
      let status = entry.pointee.status.rawValue
      let delta = entry.pointee.index_to_workdir ?? entry.pointee.head_to_index
      guard let delta, let cPath = delta.pointee.new_file.path ?? delta.pointee.old_file.path
      else { continue }
      let state: FileState
      if status & GIT_STATUS_WT_NEW.rawValue != 0 {
        state = .untracked
      } else if status & (GIT_STATUS_WT_DELETED.rawValue | GIT_STATUS_INDEX_DELETED.rawValue) != 0 {
        state = .deleted
      } else if status & GIT_STATUS_WT_MODIFIED.rawValue != 0 {
        state = .modified
      } else {
        state = .staged
      }
      let path = String(cString: cPath)
      if states[path] != .untracked { states[path] = state }
    }
    return states
  }
}

extension Repository {
  /// Removes every index entry under `directory` and keeps the files (`git rm -r --cached`).
  public func unstage(directory: String) throws(GitError) {
    try withIndex(writing: true) { index throws(GitError) in
      try check(git_index_remove_directory(index, directory, 0), "git_index_remove_directory")
    }
  }

  /// Whether any index entry lies under `directory`.
  public func hasIndexedFiles(under directory: String) throws(GitError) -> Bool {
    try withIndex(writing: false) { Self.hasEntries(under: directory, in: $0) }
  }

  /// In one index write: removes `untracking` (files or directories, whose entries go and
  /// whose files stay, as `git rm -r --cached` does), then stages `staging` (as `git add`).
  /// Returns those of `untracking` that the index had. A concurrent `git add -A` thus never
  /// finds the index half done.
  public func updateIndex(staging: [String], untracking: [String]) throws(GitError) -> [String] {
    try withIndex(writing: true) { index throws(GitError) in
      var removed: [String] = []
      for path in untracking {
        if git_index_get_bypath(index, path, 0) != nil {
          try check(git_index_remove_bypath(index, path), "git_index_remove_bypath")
          removed.append(path)
        } else if Self.hasEntries(under: path, in: index) {
          try check(git_index_remove_directory(index, path, 0), "git_index_remove_directory")
          removed.append(path)
        }
      }
      for path in staging {
        try check(git_index_add_bypath(index, path), "git_index_add_bypath")
      }
      return removed
    }
  }

  private static func hasEntries(under directory: String, in index: OpaquePointer) -> Bool {
    var position = 0
    // git_index_find_prefix gives the first entry at or after the prefix in sorted order.
    if git_index_find_prefix(&position, index, directory + "/") != 0 { return false }
    return git_index_get_byindex(index, position) != nil
  }
}

extension Repository {
  /// The content staged in the index for `path`, or nil when the index has no such entry.
  public func indexedContent(of path: String) throws(GitError) -> [UInt8]? {
    let found: git_oid? = try withIndex(writing: false) { index in
      git_index_get_bypath(index, path, 0)?.pointee.id
    }
    guard var id = found else { return nil }
    let blob = try makeHandle("git_blob_lookup") { git_blob_lookup(&$0, handle, &id) }
    defer { git_blob_free(blob) }
    return Array(
      UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob))))
  }
}
