#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif
import Crypto

/// The references under one namespace (`refs/tags/`), as libgit2 last listed them, kept in
/// `.git/mlx/<name>` with a fingerprint of where Git stores them: the file-system metadata
/// (inode, size, modification and change times) of every file and directory under the
/// namespace's directory and of `packed-refs`.
///
/// libgit2 lists loose references by opening and reading one file each (five system calls;
/// 10,000 tags cost about 0.1 s), while the fingerprint takes one `fstatat` per file. Git
/// writes a reference by renaming a lock file over it and `packed-refs` the same way, and an
/// edit in place changes the file's change time, which no user can set; so an unchanged
/// fingerprint means unchanged references, as an unchanged stat means an unchanged file to
/// `git status`. As with Git's "racily clean" rule, a listing is not kept while any file is
/// less than two seconds old (file times have the kernel clock's coarse granularity, so an
/// in-place edit within the same tick could otherwise go unseen). A repository using the
/// reftable format is always listed by libgit2.
struct ReferenceListCache {
  private static let magic = "MLXREF01"

  /// The references named `namespace*`, from the cache when Git's files are as they were.
  /// `now` is the clock's time in seconds (tests pass a later one to keep fresh listings).
  static func references(
    in repository: Repository, namespace: String, cacheName: String, now: Int = time(nil)
  ) throws -> [(name: String, target: GitOID)] {
    let common = repository.commonDirectory
    let path = repository.gitDirectory + "/mlx/" + cacheName
    guard let (fingerprint, newest) = fingerprint(commonDirectory: common, namespace: namespace) else {
      return try repository.references(matching: namespace + "*")
    }
    if let bytes = try? FileSystem.read(path), let cached = decode(bytes, fingerprint: fingerprint) {
      return cached
    }
    // Fingerprinted before listing: a change made meanwhile shows as a mismatch next time.
    let listed = try repository.references(matching: namespace + "*")
    guard newest < now - 2 else { return listed }
    try? FileSystem.createDirectories(FileSystem.parent(of: path))
    try? FileSystem.write(encode(listed, fingerprint: fingerprint), atomicallyTo: path)
    return listed
  }

  /// SHA-256 over the metadata of `packed-refs` and of everything under `namespace`'s
  /// directory, and the newest change time among them (seconds); nil when the repository
  /// uses reftable.
  static func fingerprint(commonDirectory: String, namespace: String) -> (digest: [UInt8], newest: Int)? {
    var status = stat()
    if lstat(commonDirectory + "/reftable", &status) == 0 { return nil }
    var hasher = SHA256()
    var newest = 0
    func add(_ name: String, _ status: stat?) {
      var record: [Int64] = [-1, -1, -1, -1, -1, -1, -1]
      if let status {
        newest = max(newest, Int(status.st_ctim.tv_sec), Int(status.st_mtim.tv_sec))
        record = [
          Int64(status.st_ino), Int64(status.st_size), Int64(status.st_mode),
          Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec),
          Int64(status.st_ctim.tv_sec), Int64(status.st_ctim.tv_nsec),
        ]
      }
      hasher.update(data: Array(name.utf8) + [0])
      record.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }
    add("packed-refs", lstat(commonDirectory + "/packed-refs", &status) == 0 ? status : nil)
    let root = commonDirectory + "/" + namespace.trimmingSuffix("/")
    add(namespace, lstat(root, &status) == 0 ? status : nil)
    var directories = [(root, namespace)]
    while let (directory, prefix) = directories.popLast() {
      guard let stream = opendir(directory) else { continue }
      defer { closedir(stream) }
      let descriptor = dirfd(stream)
      while let entry = readdir(stream) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
          String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
        }
        if name == "." || name == ".." { continue }
        var child = stat()
        guard fstatat(descriptor, name, &child, AT_SYMLINK_NOFOLLOW) == 0 else {
          add(prefix + name, nil)
          continue
        }
        add(prefix + name, child)
        if child.st_mode & S_IFMT == S_IFDIR { directories.append((directory + "/" + name, prefix + name + "/")) }
      }
    }
    return (Array(hasher.finalize()), newest)
  }

  // MARK: - Encoding

  /// `MLXREF01`, the 32-byte fingerprint, then per reference its name and target (strings).
  static func encode(_ references: [(name: String, target: GitOID)], fingerprint: [UInt8]) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    for byte in fingerprint { writer.integer(byte) }
    for (name, target) in references {
      writer.string(name)
      writer.string(target.hex)
    }
    return writer.bytes
  }

  /// The references, or nil when the file is damaged or its fingerprint differs.
  static func decode(_ bytes: [UInt8], fingerprint: [UInt8]) -> [(name: String, target: GitOID)]? {
    guard var reader = BinaryReader(bytes, magic: magic) else { return nil }
    for byte in fingerprint {
      guard reader.integer(UInt8.self) == byte else { return nil }
    }
    var references: [(name: String, target: GitOID)] = []
    while !reader.isAtEnd {
      guard let name = reader.string(), let hex = reader.string(), let target = GitOID(hex: hex) else { return nil }
      references.append((name, target))
    }
    return references
  }
}

extension String {
  fileprivate func trimmingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}
