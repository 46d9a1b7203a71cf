import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct StatCacheFormatTests {
  static let path = "data/train.csv"
  static let stamp = FileStatus.Stamp(
    size: 4096, modifiedNanoseconds: 1_700_000_000_123_456_789,
    changedNanoseconds: 1_700_000_001_000_000_000, inode: 0x0102_0304_0506)

  /// A regular file with `stamp`'s stat data.
  static var status: FileStatus {
    var raw = stat()
    raw.st_mode = S_IFREG | 0o644
    raw.st_size = off_t(stamp.size)
    raw.st_mtim = timespec(tv_sec: 1_700_000_000, tv_nsec: 123_456_789)
    raw.st_ctim = timespec(tv_sec: 1_700_000_001, tv_nsec: 0)
    raw.st_ino = ino_t(stamp.inode)
    return FileStatus(raw)
  }

  /// One entry as docs/formats.md lays it out.
  static func entry(_ path: String, _ stamp: FileStatus.Stamp, digest: [UInt8]) -> [UInt8] {
    var bytes = DocumentedBytes()
    bytes.u32(UInt32(path.utf8.count))
    bytes.raw(Array(path.utf8))
    bytes.i64(stamp.size)
    bytes.i64(stamp.modifiedNanoseconds)
    bytes.i64(stamp.changedNanoseconds)
    bytes.u64(stamp.inode)
    bytes.raw(digest)
    return bytes.bytes
  }

  static func file(count: UInt64, entries: [[UInt8]]) -> [UInt8] {
    var bytes = DocumentedBytes(magic: "MLXSTAT2")
    bytes.u64(count)
    for entry in entries { bytes.raw(entry) }
    return bytes.bytes
  }

  static let documented = file(
    count: 1, entries: [entry(path, stamp, digest: PackFixture.hello)])

  @Test func encodesToTheDocumentedBytes() {
    var cache = StatCache()
    cache.record(Self.path, status: Self.status, digest: FormatFixture.objectID(PackFixture.hello))
    #expect(cache.encode() == Self.documented)
    #expect(Self.documented.count == 16 + 4 + Self.path.utf8.count + 64)
  }

  @Test func decodesTheDocumentedBytes() throws {
    let other = FileStatus.Stamp(
      size: 0, modifiedNanoseconds: -1, changedNanoseconds: 0, inode: .max)
    let bytes = Self.file(
      count: 2,
      entries: [
        Self.entry(Self.path, Self.stamp, digest: PackFixture.hello),
        Self.entry("é", other, digest: PackFixture.world),
      ])
    let entries = try #require(StatCache.decode(bytes))
    #expect(entries.count == 2)
    #expect(entries[Self.path]?.stamp == Self.stamp)
    #expect(entries[Self.path]?.digest.bytes == PackFixture.hello)
    #expect(entries["é"]?.stamp == other)
    #expect(entries["é"]?.digest.bytes == PackFixture.world)
    #expect(StatCache.decode(Self.file(count: 0, entries: []))?.isEmpty == true)
  }

  /// Loaded from disk, an entry vouches for a file older than the cache file.
  @Test func loadsTheDocumentedFile() throws {
    try withTemporaryDirectory { directory in
      try directory.write(Data(Self.documented), to: "stat-cache")
      let cache = StatCache.load(from: directory("stat-cache"))
      #expect(cache.digest(for: Self.path, status: Self.status)?.bytes == PackFixture.hello)
    }
  }

  @Test func damagedBytesDecodeAsNil() {
    let good = Self.documented
    let damaged: [[UInt8]] = [
      Array(good[0..<15]),
      Array(good.dropLast()),
      Array(good[0..<18]),
      FormatFixture.flipping(good, at: 2),
      // More entries announced than the bytes can hold (each takes 68 bytes or more).
      Self.file(count: 2, entries: [Self.entry(Self.path, Self.stamp, digest: PackFixture.hello)]),
      FormatFixture.flipping(good, at: 15),
      // A path length past the end.
      FormatFixture.flipping(good, at: 19),
    ]
    for bytes in damaged {
      #expect(StatCache.decode(bytes) == nil)
    }
  }

  /// The count only bounds the entries (at most one per 68 bytes): entries are read to the
  /// end of the file, so a count other than the number of entries still decodes.
  @Test func theEntryCountIsOnlyABound() {
    let two = [
      Self.entry("a", Self.stamp, digest: PackFixture.hello),
      Self.entry("b", Self.stamp, digest: PackFixture.world),
    ]
    #expect(StatCache.decode(Self.file(count: 1, entries: two))?.count == 2)
    #expect(StatCache.decode(Self.file(count: 0, entries: two))?.count == 2)
    let long = [
      Self.entry(String(repeating: "a", count: 100), Self.stamp, digest: PackFixture.hello),
      Self.entry(String(repeating: "b", count: 100), Self.stamp, digest: PackFixture.world),
    ]
    #expect(StatCache.decode(Self.file(count: 4, entries: long))?.count == 2)
  }

  /// A damaged file loads as an empty cache: every file is hashed again, nothing fails.
  @Test func damagedFileLoadsEmpty() throws {
    try withTemporaryDirectory { directory in
      try directory.write(Data(Array(Self.documented.dropLast())), to: "stat-cache")
      let cache = StatCache.load(from: directory("stat-cache"))
      #expect(cache.digest(for: Self.path, status: Self.status) == nil)
      #expect(!cache.isModified)
    }
  }
}
