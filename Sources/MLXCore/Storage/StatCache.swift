import Foundation

/// Remembers the digest of every file mlx has hashed, keyed by path and `lstat` data, so an
/// unchanged work tree costs no hashing (`.mlx/state/stat-cache`).
///
/// An entry is trusted only when size, modification time, status-change time and inode all
/// match, and the file was last modified before the cache file was written: a file changed in
/// the same instant the cache was saved is hashed again (Git's "racily clean" rule). The cache
/// is only an optimisation; an unreadable cache is treated as empty.
struct StatCache {
  struct Entry {
    var stamp: FileStatus.Stamp
    var digest: ObjectID
  }

  private static let magic = Array("MLXSTAT2".utf8)
  private var entries: [String: Entry] = [:]
  /// When the loaded cache file was written; files modified at or after it are not trusted.
  private var writtenAt: Int64 = 0
  private(set) var isModified = false

  init() {}

  /// Loads the cache at `path`; a missing or damaged file gives an empty cache.
  static func load(from path: String) -> StatCache {
    var cache = StatCache()
    guard let status = try? FileStatus.of(path), let bytes = try? FileSystem.read(path) else {
      return cache
    }
    cache.writtenAt = status.modifiedNanoseconds
    guard let entries = decode(bytes) else { return StatCache() }
    cache.entries = entries
    return cache
  }

  /// The recorded digest for `path` if `status` shows the file unchanged since it was hashed.
  func digest(for path: String, status: FileStatus) -> ObjectID? {
    guard let entry = entries[path], entry.stamp == status.stamp,
      status.modifiedNanoseconds < writtenAt
    else { return nil }
    return entry.digest
  }

  mutating func record(_ path: String, status: FileStatus, digest: ObjectID) {
    if let existing = entries[path], existing.stamp == status.stamp, existing.digest == digest {
      return
    }
    entries[path] = Entry(stamp: status.stamp, digest: digest)
    isModified = true
  }

  /// Forgets `path` and everything under it.
  mutating func forget(_ path: String) {
    let prefix = path + "/"
    let before = entries.count
    entries = entries.filter { $0.key != path && !$0.key.hasPrefix(prefix) }
    isModified = isModified || entries.count != before
  }

  /// Writes the cache atomically when it changed.
  func save(to path: String, temporaryDirectory: String) throws {
    guard isModified else { return }
    try FileSystem.createDirectories(FileSystem.parent(of: path))
    try FileSystem.write(encode(), atomicallyTo: path, temporaryDirectory: temporaryDirectory)
  }

  // MARK: - Encoding

  /// `MLXSTAT2`, the entry count (8 bytes), then per entry: path length (4 bytes), path,
  /// size, modified, changed, inode (8 bytes each, little-endian) and the 32-byte digest.
  func encode() -> [UInt8] {
    var bytes = Self.magic
    bytes.reserveCapacity(entries.count * 96)
    withUnsafeBytes(of: UInt64(entries.count).littleEndian) { bytes.append(contentsOf: $0) }
    func append<T: FixedWidthInteger>(_ value: T) {
      withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
    for (path, entry) in entries {
      append(UInt32(path.utf8.count))
      bytes.append(contentsOf: path.utf8)
      append(entry.stamp.size)
      append(entry.stamp.modifiedNanoseconds)
      append(entry.stamp.changedNanoseconds)
      append(entry.stamp.inode)
      bytes.append(contentsOf: entry.digest.bytes)
    }
    return bytes
  }

  static func decode(_ bytes: [UInt8]) -> [String: Entry]? {
    guard bytes.count >= 16, Array(bytes[0..<8]) == magic else { return nil }
    return bytes.withUnsafeBytes { raw -> [String: Entry]? in
      let count = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
      guard count <= UInt64(raw.count / 68) else { return nil }
      var entries: [String: Entry] = [:]
      entries.reserveCapacity(Int(count))
      var offset = 16
      func integer<T: FixedWidthInteger>(_: T.Type) -> T {
        defer { offset += MemoryLayout<T>.size }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
      }
      while offset < raw.count {
        guard offset + 4 <= raw.count else { return nil }
        let length = Int(integer(UInt32.self))
        guard offset + length + 64 <= raw.count else { return nil }
        let path = String(
          decoding: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]),
          as: UTF8.self)
        offset += length
        let size = integer(Int64.self)
        let modified = integer(Int64.self)
        let changed = integer(Int64.self)
        let inode = integer(UInt64.self)
        let digest = ObjectID(bytes: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 32)]))
        offset += 32
        let stamp = FileStatus.Stamp(
          size: size, modifiedNanoseconds: modified, changedNanoseconds: changed, inode: inode)
        entries[path] = Entry(stamp: stamp, digest: digest)
      }
      return entries
    }
  }
}

/// A stat cache being read on a thread of its own, so that a command can find its pointers
/// and ask Git what changed meanwhile (`mlx status` on a large tree reads a cache of tens of
/// thousands of entries).
final class StatCacheLoad: @unchecked Sendable {
  private let finished = DispatchSemaphore(value: 0)
  private var cache = StatCache()

  init(from path: String) {
    Thread.detachNewThread { [self] in
      cache = StatCache.load(from: path)
      finished.signal()
    }
  }

  /// The cache, once read (an empty one when the file is missing or damaged).
  func wait() -> StatCache {
    finished.wait()
    return cache
  }
}
