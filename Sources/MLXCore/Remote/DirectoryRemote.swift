#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A remote that is a directory: on this machine, or a mounted share.
///
/// An upload is copied into the remote's `tmp/`, flushed to disk, then renamed to its key, so
/// a reader never sees part of a file. The directory must exist: mlx never creates it, so a
/// mistyped path is an error rather than a new, empty remote.
struct DirectoryRemote: RemoteStorage {
  let root: String

  var displayName: String { root }

  init(root: String) throws {
    guard let status = try FileStatus.of(root) else {
      throw RemoteError.unreachable(root, reason: "does not exist; create the directory first")
    }
    guard status.kind == .directory else {
      throw RemoteError.unreachable(root, reason: "is not a directory")
    }
    self.root = root
  }

  private func path(_ key: String) -> String { root + "/" + key }
  private var temporaryDirectory: String { root + "/tmp" }

  func list(prefix: String) throws -> [(key: String, size: Int64)] {
    let directory = path(String(prefix.dropLast()))
    guard try FileStatus.of(directory) != nil else { return [] }
    return try FileSystem.entries(of: directory).compactMap { entry in
      guard let status = try FileStatus.of(directory + "/" + entry.name),
        status.kind == .regular
      else { return nil }
      return (prefix + entry.name, status.size)
    }
  }

  func read(_ key: String) throws -> [UInt8] {
    try FileSystem.read(path(key))
  }

  func download(_ key: String, to destination: String) throws {
    try FileSystem.copyFile(from: path(key), to: destination, durable: false)
  }

  func upload(file source: String, to key: String) throws {
    try prepare(key)
    let temporary = TemporaryFiles.path(in: temporaryDirectory, beside: path(key))
    do {
      try FileSystem.copyFile(from: source, to: temporary, durable: true)
      try FileSystem.rename(temporary, to: path(key))
      try FileSystem.syncDirectory(containing: path(key))
    } catch {
      unlink(temporary)
      throw error
    }
  }

  func write(_ bytes: [UInt8], to key: String) throws {
    try prepare(key)
    try FileSystem.write(
      bytes, atomicallyTo: path(key), mode: 0o444, temporaryDirectory: temporaryDirectory)
  }

  /// Creates the key's folder and the remote's `tmp/`.
  private func prepare(_ key: String) throws {
    try FileSystem.createDirectories(FileSystem.parent(of: path(key)))
    try FileSystem.createDirectories(temporaryDirectory)
  }
}
