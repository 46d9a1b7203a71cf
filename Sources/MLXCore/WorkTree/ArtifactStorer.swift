import Dispatch

/// Stores a file or a directory of the work tree in the object store, skipping files the stat
/// cache vouches for that the store already holds, and returns the pointer that records it.
struct ArtifactStorer {
  let location: WorkTreeLocation
  let ingester: FileIngester

  /// Stores the file or directory at `path` (a directory as its `files`) and returns the
  /// pointer that records it.
  func store(
    _ path: String, status: FileStatus, files: [WorkTreeScanner.File]?, kind: ArtifactKind,
    description: String?, statCache: inout StatCache
  ) throws -> PointerFile {
    let name = String(path.split(separator: "/").last!)
    guard let files else {
      let file = try storeFile(path, status: status, statCache: &statCache)
      return PointerFile(
        kind: kind, path: name, digest: file.digest, size: file.size,
        isExecutable: file.isExecutable, description: description)
    }
    let manifest = try storeDirectory(path, files: files, statCache: &statCache)
    let digest = try ingester.storeBlob(manifest.encoded)
    return PointerFile(
      kind: kind, path: name, digest: digest, size: manifest.totalSize,
      fileCount: manifest.entries.count, description: description)
  }

  private func storeFile(
    _ path: String,
    status: FileStatus,
    statCache: inout StatCache
  ) throws -> StoredFile {
    if let digest = statCache.digest(for: path, status: status), ingester.writer.contains(digest) {
      ingester.progress.advance(by: status.size)
      return StoredFile(
        digest: digest, size: status.size, isExecutable: status.isExecutable, status: status)
    }
    let file = try ingester.store(
      path: location.absolute(path), displayPath: location.display(path))
    statCache.record(path, status: file.status, digest: file.digest)
    return file
  }

  /// Stores every file of a directory (small files on all cores, large ones one at a time
  /// with their own parallelism) and returns its manifest.
  private func storeDirectory(
    _ directory: String,
    files: [WorkTreeScanner.File],
    statCache: inout StatCache
  ) throws -> DirectoryManifest {
    var entries = [DirectoryManifest.Entry?](repeating: nil, count: files.count)
    var pending: [Int] = []
    for (position, file) in files.enumerated() {
      let path = directory + "/" + file.path
      if let digest = statCache.digest(for: path, status: file.status),
        ingester.writer.contains(digest)
      {
        entries[position] = DirectoryManifest.Entry(
          path: file.path, digest: digest, size: file.status.size,
          isExecutable: file.status.isExecutable)
        ingester.progress.advance(by: file.status.size)
      } else {
        pending.append(position)
      }
    }

    let small = pending.filter { files[$0].status.size < FileIngester.chunkingThreshold }
    let results = ConcurrentResults<StoredFile>(count: small.count)
    let root = location.root
    let shown = location.display(directory)
    DispatchQueue.concurrentPerform(iterations: small.count) { index in
      let file = files[small[index]]
      results.record(index) {
        try ingester.store(
          path: root + "/" + directory + "/" + file.path, displayPath: shown + "/" + file.path)
      }
    }
    var stored = zip(small, try results.values()).map { ($0, $1) }
    for position in pending where files[position].status.size >= FileIngester.chunkingThreshold {
      let file = files[position]
      stored.append(
        (
          position,
          try ingester.store(
            path: location.absolute(directory + "/" + file.path),
            displayPath: shown + "/" + file.path)
        ))
    }
    for (position, file) in stored {
      let path = files[position].path
      statCache.record(directory + "/" + path, status: file.status, digest: file.digest)
      entries[position] = DirectoryManifest.Entry(
        path: path, digest: file.digest, size: file.size, isExecutable: file.isExecutable)
    }
    return DirectoryManifest(entries: entries.map { $0! })
  }
}
