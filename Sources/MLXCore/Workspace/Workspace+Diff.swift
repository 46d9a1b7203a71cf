/// Artifacts that differ between two versions of the repository.
public struct ArtifactDiff: Codable, Sendable {
  public enum Change: String, Codable, Sendable { case added, removed, modified }

  /// One artifact that changed.
  public struct Entry: Codable, Sendable {
    public let path: String
    public let change: Change
    public let kind: ArtifactKind
    public let oldDigest: String?
    public let newDigest: String?
    public let oldSize: Int64?
    public let newSize: Int64?
    /// For a modified directory, the files that changed; nil when either version's file list
    /// is not in the local store.
    public let files: FileChanges?
  }

  /// The older side: a revision, or "empty" before the first commit.
  public let from: String
  /// The newer side: a revision, or "workspace" for the pointer files on disk.
  public let to: String
  public let entries: [Entry]
}

extension Workspace {
  /// The name `diff` uses for the work tree side.
  public static let workTreeName = "workspace"

  /// Compares the artifacts recorded at two revisions; `nil` revisions mean HEAD (old side)
  /// and the pointer files in the work tree (new side), as in `git diff`.
  public func diff(from old: String?, to new: String?) throws -> ArtifactDiff {
    let oldName = old ?? "HEAD"
    let before: [String: PointerFile]
    let from: String
    if old == nil, try repository.headCommit() == nil {
      (before, from) = ([:], "empty")
    } else {
      (before, from) = (try pointers(at: oldName), oldName)
    }
    let after: [String: PointerFile]
    if let new {
      after = try pointers(at: new)
    } else {
      after = Dictionary(
        uniqueKeysWithValues: try artifacts().map { ($0.path, $0.pointer) })
    }

    var entries: [ArtifactDiff.Entry] = []
    let paths = Set(before.keys).union(after.keys).sorted(by: PathOrder.precedes)
    for path in paths {
      let old = before[path]
      let new = after[path]
      let change: ArtifactDiff.Change
      switch (old, new) {
      case (nil, _): change = .added
      case (_, nil): change = .removed
      case (let old?, let new?)
      where old.digest != new.digest || old.isExecutable != new.isExecutable:
        change = .modified
      default: continue
      }
      var files: FileChanges?
      if let old, let new, old.isDirectory, new.isDirectory,
        let oldManifest = try storedManifest(old.digest, for: path),
        let newManifest = try storedManifest(new.digest, for: path)
      {
        files = FileChanges(from: oldManifest, to: newManifest)
      }
      entries.append(
        ArtifactDiff.Entry(
          path: path, change: change, kind: (new ?? old)!.kind,
          oldDigest: old?.digest.description, newDigest: new?.digest.description,
          oldSize: old?.size, newSize: new?.size, files: files))
    }
    return ArtifactDiff(from: from, to: new ?? Self.workTreeName, entries: entries)
  }

  /// The artifacts recorded in `revision`'s tree, by data path.
  func pointers(at revision: String) throws -> [String: PointerFile] {
    var result: [String: PointerFile] = [:]
    for artifact in try artifacts(at: revision) { result[artifact.path] = artifact.pointer }
    return result
  }

  /// The artifacts recorded in `revision`'s tree, with their pointer files' paths.
  func artifacts(at revision: String) throws -> [TrackedArtifact] {
    let blobs: [(path: String, content: [UInt8])]
    do {
      blobs = try repository.blobs(at: revision, withSuffix: PointerFile.suffix)
    } catch {
      // Any failure to resolve the name (not found, ambiguous, bad syntax) is the user's typo.
      if error.function == "git_revparse_single" || error.isNotFound {
        throw WorkspaceError.unknownRevision(revision: revision)
      }
      throw error
    }
    var result: [TrackedArtifact] = []
    // A pointer under `.git` or `.mlx` (any case, any depth) is no artifact: a hostile tree
    // may hold one, and nothing may be read from or written there on its word.
    for (path, content) in blobs where RelativePath.isSafe(path) {
      let pointer = try PointerFile(
        parsing: String(decoding: content, as: UTF8.self), pointerPath: "\(revision):\(path)")
      let dataPath = FileSystem.join(FileSystem.parent(of: path), pointer.path)
      guard RelativePath.isSafe(dataPath) else { continue }
      result.append(TrackedArtifact(path: dataPath, pointerPath: path, pointer: pointer))
    }
    return result
  }
}
