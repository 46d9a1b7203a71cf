import Foundation

/// What restoring one artifact writes and removes.
enum CheckoutPlan {
  case unchanged
  /// Local changes that `--force` may overwrite.
  case refuse(String)
  /// Something not even `--force` touches: a directory mlx did not write.
  case impossible(String)
  /// Files to remove first (repository-relative; never directories), then files to write.
  case write([WorkTreeWriter.File], removing: [String])
}

extension WorkTreeLocation {

  /// Decides what restoring one artifact writes and removes. Only the files its pointer or
  /// manifest lists are written, and only files (never a directory) are removed, so no pointer
  /// can make mlx delete a tree it did not create. A file whose content is in the store is
  /// replaced (or, inside a tracked directory, removed) without `force`: it can be had back;
  /// `force` is needed only where content would be lost. Recorded sizes are
  /// checked against the stored content first: a pointer or manifest that lies about a size
  /// writes nothing.
  func checkoutPlan(
    path: String, pointerPath: String, pointer: PointerFile, store: ObjectStore, force: Bool,
    statCache: inout StatCache
  ) throws -> CheckoutPlan {
    guard store.contains(pointer.digest) else { throw ObjectStoreError.missing(pointer.digest) }
    let content = try self.content(
      of: path, asDirectory: pointer.isDirectory, statCache: &statCache)
    if case .otherKind(.directory) = content {
      return .impossible(
        "it is a directory, and \(display(pointerPath)) tracks a file; mlx never deletes a "
          + "directory it did not write: move it away, then run `mlx checkout` again")
    }
    guard pointer.isDirectory else {
      let size = try store.contentSize(of: pointer.digest)
      guard size == pointer.size else {
        throw ObjectStoreError.sizeMismatch(
          pointer.digest, recordedBy: display(pointerPath), recorded: pointer.size,
          actual: size)
      }
      let whole = WorkTreeWriter.File(
        path: path, digest: pointer.digest, size: pointer.size,
        isExecutable: pointer.isExecutable)
      switch content {
      case .missing:
        return .write([whole], removing: [])
      case .file(let digest, let status) where digest == pointer.digest:
        return status.isExecutable == pointer.isExecutable
          ? .unchanged : .write([whole], removing: [])
      case .file(let digest, _) where store.contains(digest):
        // What is there is in the store (another branch's version, an earlier add): it can
        // always be had back, so it is replaced, as `dvc checkout` does.
        return .write([whole], removing: [])
      default:
        return force
          ? .write([whole], removing: content.isOtherKind ? [path] : [])
          : .refuse("it has changes not recorded in \(display(pointerPath))")
      }
    }
    guard let manifest = try storedManifest(pointer.digest, for: path, in: store) else {
      throw ObjectStoreError.missing(pointer.digest)
    }
    try checkSizes(
      of: manifest, against: pointer, path: path, pointerPath: pointerPath, store: store)
    let all = manifest.entries.map {
      WorkTreeWriter.File(
        path: path + "/" + $0.path, digest: $0.digest, size: $0.size,
        isExecutable: $0.isExecutable)
    }
    switch content {
    case .missing:
      return .write(all, removing: [])
    case .otherKind:
      return force
        ? .write(all, removing: [path])
        : .refuse("it is not a directory; it was tracked as one")
    case .file:
      return .unchanged  // not reached: a directory pointer never reads a file's content
    case .directory(let current):
      let changes = FileChanges(from: manifest, to: current)
      if changes.isEmpty { return .unchanged }
      // Files whose content the store holds can be had back; only the others would be lost.
      let files = Dictionary(uniqueKeysWithValues: current.entries.map { ($0.path, $0.digest) })
      let local = (changes.added + changes.modified).filter { file in
        files[file].map { !store.contains($0) } ?? true
      }
      if !local.isEmpty && !force {
        let sample = local.prefix(3).joined(separator: ", ")
        let more = local.count > 3 ? " and \(local.count - 3) more" : ""
        return .refuse("files with changes not recorded in its pointer: \(sample)\(more)")
      }
      let wanted = Set(changes.modified + changes.deleted)
      return .write(
        all.filter { wanted.contains(String($0.path.dropFirst(path.count + 1))) },
        removing: changes.added.map { path + "/" + $0 })
    }
  }

  /// Checks a directory pointer's totals against its manifest, and every entry's size
  /// against its stored content.
  private func checkSizes(
    of manifest: DirectoryManifest, against pointer: PointerFile, path: String,
    pointerPath: String, store: ObjectStore
  ) throws {
    let shown = display(pointerPath)
    guard manifest.totalSize == pointer.size else {
      throw ObjectStoreError.sizeMismatch(
        pointer.digest, recordedBy: shown, recorded: pointer.size, actual: manifest.totalSize)
    }
    guard manifest.entries.count == pointer.fileCount else {
      throw ObjectStoreError.sizeMismatch(
        pointer.digest, recordedBy: "\(shown) (files)", recorded: Int64(pointer.fileCount ?? 0),
        actual: Int64(manifest.entries.count))
    }
    for entry in manifest.entries {
      let size = try store.contentSize(of: entry.digest)
      guard size == entry.size else {
        throw ObjectStoreError.sizeMismatch(
          entry.digest, recordedBy: "the manifest of \(display(path)) for \(entry.path)",
          recorded: entry.size, actual: size)
      }
    }
  }
}

extension WorkTreeContent {
  var isOtherKind: Bool {
    if case .otherKind = self { return true }
    return false
  }
}
