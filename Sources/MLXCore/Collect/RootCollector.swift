import Foundation

/// Finds the content `mlx gc` must keep: what the work tree's pointers, the Git index, every
/// commit of every reference's history and every run record name.
///
/// History is read commit by commit from each reference, each commit once; a tree (and so
/// every subtree) is read once however many commits share it, and a pointer blob parsed once
/// however many trees hold it. The first root found that needs some content is its
/// ``KeepReason``: the work tree, then the index, then references in the order of
/// ``rank(_:)``, then run records.
struct RootCollector {
  private(set) var roots: [GCRoot] = []
  private(set) var summary = GCRootSummary()
  private var rootPositions: [RootKey: Int] = [:]
  private var parsedBlobs: [GitOID: RootKey?] = [:]
  /// The profile (`mlx profile`) each parsed pointer blob names, kept with its content.
  private var profiles: [GitOID: ObjectID] = [:]
  private var seenTrees: Set<GitOID> = []
  private var seenCommits: Set<GitOID> = []

  private struct RootKey: Hashable {
    var digest: ObjectID
    var isDirectory: Bool
  }

  /// Adds every root of one clone: `pointers` are its work tree's.
  /// - Throws: ``CollectError/shallowClone`` or ``CollectError/missingHistory(reference:object:)``
  ///   when part of history is not there; a run record that cannot be read.
  mutating func collect(
    from repository: Repository, workTree pointers: [(pointerPath: String, pointer: PointerFile)]
  ) throws {
    guard !repository.isShallow else { throw CollectError.shallowClone }
    // The first work tree is the one gc runs in; reasons name the others.
    let label = summary.workTrees.isEmpty ? nil : repository.workTree
    summary.workTrees.append(repository.workTree)
    for (path, pointer) in pointers {
      summary.pointers += 1
      add(
        RootKey(digest: pointer.digest, isDirectory: pointer.isDirectory),
        KeepReason(kind: .workTree, path: path, workTree: label))
      if let profile = pointer.profile {
        add(
          RootKey(digest: profile, isDirectory: false),
          KeepReason(kind: .workTree, path: path, workTree: label))
      }
    }
    for (path, blob) in try repository.indexedBlobs(withSuffix: PointerFile.suffix) {
      try addPointer(blob, in: repository, KeepReason(kind: .index, path: path, workTree: label))
    }
    try addReferences(of: repository)
    try addRuns(of: repository)
    summary.contents = roots.count
  }

  /// References in the order their reasons are preferred: a detached HEAD, branches, tags,
  /// mlx's own, remote-tracking ones, the stash, anything else.
  static func rank(_ name: String) -> Int {
    let order = ["HEAD", "refs/heads/", "refs/tags/", "refs/mlx/", "refs/remotes/", "refs/stash"]
    return order.firstIndex { name == $0 || ($0.hasSuffix("/") && name.hasPrefix($0)) }
      ?? order.count
  }

  private mutating func addReferences(of repository: Repository) throws {
    var references = try repository.allReferences()
    if repository.currentBranch() == nil, let head = try repository.headCommit() {
      references.append(("HEAD", head))
    }
    references.sort { (Self.rank($0.name), $0.name) < (Self.rank($1.name), $1.name) }
    for (name, target) in references {
      summary.references += 1
      let peeled: PeeledObject
      do {
        peeled = try repository.peel(target)
      } catch let error as GitError where error.isNotFound {
        throw CollectError.missingHistory(reference: name, object: target.hex)
      }
      switch peeled {
      case .commit(let commit): try walkHistory(from: commit, reference: name, in: repository)
      case .tree(let tree): try addTree(tree, commit: nil, reference: name, in: repository)
      case .other: continue
      }
    }
  }

  /// Every commit `tip` reaches that no earlier reference reached, first parents first.
  private mutating func walkHistory(
    from tip: GitOID, reference: String, in repository: Repository
  ) throws {
    var pending = [tip]
    while let commit = pending.popLast() {
      guard seenCommits.insert(commit).inserted else { continue }
      let links: (tree: GitOID, parents: [GitOID])
      do {
        links = try repository.commitLinks(commit)
      } catch let error as GitError where error.isNotFound {
        throw CollectError.missingHistory(reference: reference, object: commit.hex)
      }
      summary.commits += 1
      try addTree(links.tree, commit: commit, reference: reference, in: repository)
      pending += links.parents.reversed()
    }
  }

  private mutating func addTree(
    _ tree: GitOID, commit: GitOID?, reference: String, in repository: Repository
  ) throws {
    let blobs: [(path: String, blob: GitOID)]
    do {
      blobs = try repository.blobs(
        inTree: tree, withSuffix: PointerFile.suffix, skipping: &seenTrees)
    } catch let error as GitError where error.isNotFound {
      throw CollectError.missingHistory(reference: reference, object: tree.hex)
    }
    for (path, blob) in blobs {
      try addPointer(
        blob, in: repository,
        KeepReason(kind: .reference, reference: reference, commit: commit?.hex, path: path))
    }
  }

  /// Parses a pointer blob (once per blob) and adds the content it names.
  private mutating func addPointer(_ blob: GitOID, in repository: Repository, _ reason: KeepReason)
    throws
  {
    if parsedBlobs[blob] == nil {
      summary.pointers += 1
      let bytes: [UInt8]
      do {
        bytes = try repository.blob(blob)
      } catch let error as GitError where error.isNotFound {
        throw CollectError.missingHistory(
          reference: reason.reference ?? "the Git index", object: blob.hex)
      }
      let text = String(decoding: bytes, as: UTF8.self)
      if let pointer = try? PointerFile(parsing: text, pointerPath: reason.path ?? "") {
        parsedBlobs[blob] = RootKey(digest: pointer.digest, isDirectory: pointer.isDirectory)
        profiles[blob] = pointer.profile
      } else {
        summary.unreadablePointers += 1
        parsedBlobs[blob] = .some(nil)
      }
    }
    if let key = parsedBlobs[blob] ?? nil { add(key, reason) }
    if let profile = profiles[blob] { add(RootKey(digest: profile, isDirectory: false), reason) }
  }

  /// Every input and output every run record names.
  private mutating func addRuns(of repository: Repository) throws {
    let store = RunStore(repository: repository)
    for id in try store.ids() {
      let record = try store.load(id)
      summary.runs += 1
      for stage in record.stages {
        for entry in stage.outs + stage.deps {
          add(
            RootKey(digest: entry.digest, isDirectory: entry.files != nil),
            KeepReason(kind: .run, reference: RunStore.namespace + id, path: entry.path))
        }
      }
    }
  }

  private mutating func add(_ key: RootKey, _ reason: KeepReason) {
    guard rootPositions[key] == nil else { return }
    rootPositions[key] = roots.count
    roots.append(GCRoot(digest: key.digest, isDirectory: key.isDirectory, reason: reason))
  }
}
