import Dispatch

/// What a tracked path holds in the work tree right now.
enum WorkTreeContent {
  case missing
  case file(digest: ObjectID, status: FileStatus)
  case directory(DirectoryManifest)
  /// A file where a directory was tracked, or the other way round, or a special file.
  case otherKind(FileStatus.Kind)

  /// The digest a pointer would record for this content.
  var digest: ObjectID? {
    switch self {
    case .file(let digest, _): digest
    case .directory(let manifest): manifest.digest
    case .missing, .otherKind: nil
    }
  }
}

extension WorkTreeLocation {
  /// Reads what is at `path` now, hashing only files the stat cache cannot vouch for.
  func content(
    of path: String,
    asDirectory: Bool,
    statCache: inout StatCache
  ) throws -> WorkTreeContent {
    guard let status = try FileStatus.of(absolute(path)) else { return .missing }
    switch (status.kind, asDirectory) {
    case (.regular, false):
      if let digest = statCache.digest(for: path, status: status) {
        return .file(digest: digest, status: status)
      }
      let (digest, readStatus) = try ContentDigest.ofFile(
        at: absolute(path), displayPath: display(path))
      statCache.record(path, status: readStatus, digest: digest)
      return .file(digest: digest, status: readStatus)
    case (.directory, true):
      return .directory(try currentManifest(of: path, statCache: &statCache))
    default:
      return .otherKind(status.kind)
    }
  }

  /// The manifest of a directory as it is now; unknown files are hashed on all cores.
  private func currentManifest(of directory: String, statCache: inout StatCache) throws
    -> DirectoryManifest
  {
    let files = try WorkTreeScanner.files(in: absolute(directory), displayPath: display(directory))
    var digests = [ObjectID?](repeating: nil, count: files.count)
    var unknown: [Int] = []
    // One key buffer, refilled per file: no string allocated per lookup.
    var key = directory + "/"
    let prefixLength = key.utf8.count
    key.reserveCapacity(prefixLength + 256)
    for (position, file) in files.enumerated() {
      key.removeSubrange(key.utf8.index(key.startIndex, offsetBy: prefixLength)...)
      key += file.path
      if let digest = statCache.digest(for: key, status: file.status) {
        digests[position] = digest
      } else {
        unknown.append(position)
      }
    }
    let toHash = unknown
    let results = ConcurrentResults<(ObjectID, FileStatus)>(count: toHash.count)
    let base = absolute(directory)
    let shown = display(directory)
    DispatchQueue.concurrentPerform(iterations: toHash.count) { index in
      let file = files[toHash[index]]
      results.record(index) {
        try ContentDigest.ofFile(at: base + "/" + file.path, displayPath: shown + "/" + file.path)
      }
    }
    var statuses = files.map(\.status)
    for (position, (digest, status)) in zip(unknown, try results.values()) {
      digests[position] = digest
      statuses[position] = status
      statCache.record(directory + "/" + files[position].path, status: status, digest: digest)
    }
    return DirectoryManifest(
      entries: files.indices.map { position in
        DirectoryManifest.Entry(
          path: files[position].path, digest: digests[position]!,
          size: statuses[position].size, isExecutable: statuses[position].isExecutable)
      })
  }

  /// The stored manifest of a tracked directory, or nil when it is not in the store.
  func storedManifest(_ digest: ObjectID, for path: String, in store: ObjectStore) throws
    -> DirectoryManifest?
  {
    guard store.contains(digest) else { return nil }
    let bytes = try store.readVerifiedBlob(digest)
    do {
      return try DirectoryManifest(decoding: bytes)
    } catch {
      throw ObjectStoreError.corrupt(
        digest, pack: "the manifest of \(display(path))",
        reason: error.description)
    }
  }
}

/// Files that differ between two versions of a directory.
public struct FileChanges: Codable, Sendable, Equatable {
  public var added: [String] = []
  public var modified: [String] = []
  public var deleted: [String] = []

  public var isEmpty: Bool { added.isEmpty && modified.isEmpty && deleted.isEmpty }

  init(from old: DirectoryManifest, to new: DirectoryManifest) {
    let before = Dictionary(uniqueKeysWithValues: old.entries.map { ($0.path, $0) })
    let after = Dictionary(uniqueKeysWithValues: new.entries.map { ($0.path, $0) })
    for entry in new.entries {
      if let previous = before[entry.path] {
        if previous.digest != entry.digest || previous.isExecutable != entry.isExecutable {
          modified.append(entry.path)
        }
      } else {
        added.append(entry.path)
      }
    }
    deleted = old.entries.map(\.path).filter { after[$0] == nil }
  }
}
