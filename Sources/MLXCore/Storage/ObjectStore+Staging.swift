#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Staged packs: packs that are not in `packs/` yet (downloaded ones, say), readable by this
/// process only, so their objects can be checked before they enter the store.
extension ObjectStore {
  /// Makes the pack at `packPath`, with its index at `indexPath`, readable by this process.
  /// Both are temporary files (``TemporaryFiles``), so a process killed before publishing
  /// leaves only files the next open of the store deletes.
  func stage(name: String, packPath: String, indexPath: String) throws -> PackIndex {
    let index = try PackIndex(name: name, bytes: try FileSystem.read(indexPath), path: indexPath)
    files.stage(name, pack: packPath, index: indexPath)
    register(index)
    return index
  }

  /// Moves every staged pack into `packs/`: both files flushed to disk, then the pack renamed
  /// before its index, so other processes see an object only once its bytes are in place.
  /// `keeping` lists, per staged pack, the entries its published index keeps (all of them
  /// for a pack it does not name).
  func publishStaged(keeping: [String: [PackEntry]] = [:]) throws {
    for (name, paths) in files.stagedPacks.sorted(by: { $0.key < $1.key }) {
      if let entries = keeping[name] {
        let bytes = PackFormat.encodeIndex(entries)
        let index = try PackIndex(name: name, bytes: bytes, path: paths.index)
        unlink(paths.index)
        try FileSystem.write(bytes, atomicallyTo: paths.index, mode: 0o444, durable: false)
        unregister(named: name)
        register(index)
      }
      try FileSystem.syncFile(at: paths.pack)
      try FileSystem.syncFile(at: paths.index)
      try FileSystem.rename(paths.pack, to: "\(packDirectory)/\(name).pack")
      try FileSystem.rename(paths.index, to: "\(packDirectory)/\(name).idx")
      files.unstage(name)
    }
    try FileSystem.syncDirectory(containing: packDirectory + "/x")
  }

  /// Forgets every staged pack and deletes its files.
  func discardStaged() {
    for (name, paths) in files.stagedPacks {
      unregister(named: name)
      files.unstage(name)
      unlink(paths.pack)
      unlink(paths.index)
    }
  }
}
