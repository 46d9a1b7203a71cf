#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The references under one namespace (`refs/tags/`), as libgit2 last resolved them, kept in
/// `.git/mlx/<name>` beside the ``FileStatus/Stamp`` (size, modification and change times,
/// inode) of `packed-refs` and of every loose reference file under the namespace.
///
/// libgit2 lists loose references by opening and reading one file each (five system calls;
/// 10,000 tags cost about 0.1 s), while checking a recorded stat takes one `fstatat`. Git
/// writes a reference by renaming a lock file over it and `packed-refs` the same way, and an
/// edit in place changes the file's change time, which no user can set; so a file whose stat
/// is unchanged still holds what libgit2 read from it, as an unchanged stat means an unchanged
/// file to `git status`. Only the files whose stat differs are looked up again through
/// libgit2, so the first read after `mlx promote` costs a handful of lookups, not a new listing.
///
/// As with Git's "racily clean" rule, what a file held is trusted only when the file was at
/// least two seconds old when it was read (file times have the kernel clock's coarse
/// granularity, so an in-place edit within the same tick could otherwise go unseen); younger
/// files are looked up on every read until they age. A change of `packed-refs`, a loose
/// file that disappeared (a packed value may show again) or a damaged cache lists everything
/// through libgit2. A repository using the reftable format is always listed by libgit2.
struct ReferenceListCache {
  private static let magic = "MLXREF02"
  /// The stamp recorded for a `packed-refs` that does not exist.
  private static let noFile = FileStatus.Stamp(
    size: -1, modifiedNanoseconds: -1, changedNanoseconds: -1, inode: 0)

  /// The references named `namespace*`, sorted by name, with their targets.
  /// `now` is the clock's time in seconds (tests pass a later one to trust fresh files).
  static func references(
    in repository: Repository, namespace: String, cacheName: String, now: Int = time(nil)
  ) throws -> [(name: String, target: GitOID)] {
    let common = repository.commonDirectory
    if try FileStatus.of(common + "/reftable") != nil {
      return try repository.references(matching: namespace + "*")
    }
    let path = repository.gitDirectory + "/mlx/" + cacheName
    // Stat before reading: a change made meanwhile shows as a different stat next time.
    let packed = try FileStatus.of(common + "/packed-refs")?.stamp ?? noFile
    let files = looseFiles(commonDirectory: common, namespace: namespace)
    let cached = (try? FileSystem.read(path)).flatMap(decode)
    let trusted = now - 2

    var state: State
    var changed = false
    if let cached, cached.packed == packed, cached.packedTrusted,
      cached.loose.keys.allSatisfy({ files[$0] != nil })
    {
      state = cached
      for (name, stamp) in files {
        if let entry = cached.loose[name], entry.stamp == stamp, entry.trusted { continue }
        let entry = LooseEntry(
          stamp: stamp, target: try repository.directTarget(ofReference: name),
          trusted: stamp.newestSecond < trusted)
        // A young file is looked up on every read; the cache is rewritten only when it learns something.
        if entry != cached.loose[name] {
          state.loose[name] = entry
          changed = true
        }
      }
    } else {
      let listed = try repository.references(matching: namespace + "*")
      var targets = Dictionary(
        listed.map { ($0.name, $0.target) }, uniquingKeysWith: { first, _ in first })
      state = State(
        packed: packed, packedTrusted: packed.newestSecond < trusted, packedReferences: [:],
        loose: [:])
      for (name, stamp) in files {
        state.loose[name] = LooseEntry(
          stamp: stamp, target: targets.removeValue(forKey: name),
          trusted: stamp.newestSecond < trusted)
      }
      state.packedReferences = targets
      changed = true
    }
    if changed {
      try? FileSystem.createDirectories(FileSystem.parent(of: path))
      try? FileSystem.write(encode(state), atomicallyTo: path, durable: false)
    }
    return state.listing
  }

  // MARK: - What the cache holds

  /// A loose reference file: its stat when read and the object it named (nil when it named
  /// none, as a lock file or a symbolic reference does); `trusted` when the file was old
  /// enough that its stat vouches for its content.
  struct LooseEntry: Equatable {
    var stamp: FileStatus.Stamp
    var target: GitOID?
    var trusted: Bool
  }

  struct State {
    var packed: FileStatus.Stamp
    var packedTrusted: Bool
    /// References only `packed-refs` holds (a loose file of the same name wins).
    var packedReferences: [String: GitOID]
    var loose: [String: LooseEntry]

    var listing: [(name: String, target: GitOID)] {
      var merged: [(name: String, target: GitOID)] = []
      merged.reserveCapacity(packedReferences.count + loose.count)
      for (name, target) in packedReferences where loose[name] == nil {
        merged.append((name, target))
      }
      for (name, entry) in loose {
        if let target = entry.target { merged.append((name, target)) }
      }
      return merged.sorted { $0.name < $1.name }
    }
  }

  /// Every file under `namespace`'s directory, by reference name, with its stat.
  static func looseFiles(commonDirectory: String, namespace: String) -> [String: FileStatus.Stamp] {
    var files: [String: FileStatus.Stamp] = [:]
    var directories = [(commonDirectory + "/" + namespace.trimmingSuffix("/"), namespace)]
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
        guard fstatat(descriptor, name, &child, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
        if child.st_mode & S_IFMT == S_IFDIR {
          directories.append((directory + "/" + name, prefix + name + "/"))
        } else {
          files[prefix + name] = FileStatus(child).stamp
        }
      }
    }
    return files
  }

  // MARK: - Encoding

  /// `MLXREF02`; `packed-refs`' stamp and whether it is trusted; the packed-only references
  /// (count, then name and target); the loose files (count, then name, stamp, flags — bit 0
  /// trusted, bit 1 has a target — and the target).
  static func encode(_ state: State) -> [UInt8] {
    var writer = BinaryWriter(magic: magic)
    write(state.packed, to: &writer)
    writer.integer(UInt8(state.packedTrusted ? 1 : 0))
    writer.integer(UInt32(state.packedReferences.count))
    for (name, target) in state.packedReferences.sorted(by: { $0.key < $1.key }) {
      writer.string(name)
      writer.string(target.hex)
    }
    writer.integer(UInt32(state.loose.count))
    for (name, entry) in state.loose.sorted(by: { $0.key < $1.key }) {
      writer.string(name)
      write(entry.stamp, to: &writer)
      writer.integer(UInt8((entry.trusted ? 1 : 0) | (entry.target == nil ? 0 : 2)))
      if let target = entry.target { writer.string(target.hex) }
    }
    return writer.bytes
  }

  /// A stamp as the stat cache stores it: size, modified, changed (nanoseconds), inode.
  private static func write(_ stamp: FileStatus.Stamp, to writer: inout BinaryWriter) {
    writer.integer(stamp.size)
    writer.integer(stamp.modifiedNanoseconds)
    writer.integer(stamp.changedNanoseconds)
    writer.integer(stamp.inode)
  }

  /// The cached state, or nil when the file is damaged.
  static func decode(_ bytes: [UInt8]) -> State? {
    guard var reader = BinaryReader(bytes, magic: magic) else { return nil }
    func stamp() -> FileStatus.Stamp? {
      guard let size = reader.integer(Int64.self), let modified = reader.integer(Int64.self),
        let changed = reader.integer(Int64.self), let inode = reader.integer(UInt64.self)
      else { return nil }
      return FileStatus.Stamp(
        size: size, modifiedNanoseconds: modified, changedNanoseconds: changed, inode: inode)
    }
    guard let packed = stamp(), let packedFlag = reader.integer(UInt8.self),
      let packedCount = reader.integer(UInt32.self)
    else { return nil }
    var state = State(
      packed: packed, packedTrusted: packedFlag == 1, packedReferences: [:], loose: [:])
    for _ in 0..<packedCount {
      guard let name = reader.string(), let hex = reader.string(), let target = GitOID(hex: hex)
      else { return nil }
      state.packedReferences[name] = target
    }
    guard let looseCount = reader.integer(UInt32.self) else { return nil }
    for _ in 0..<looseCount {
      guard let name = reader.string(), let fileStamp = stamp(),
        let flags = reader.integer(UInt8.self)
      else {
        return nil
      }
      var target: GitOID?
      if flags & 2 != 0 {
        guard let hex = reader.string(), let oid = GitOID(hex: hex) else { return nil }
        target = oid
      }
      state.loose[name] = LooseEntry(stamp: fileStamp, target: target, trusted: flags & 1 != 0)
    }
    return reader.isAtEnd ? state : nil
  }
}

extension String {
  fileprivate func trimmingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}
