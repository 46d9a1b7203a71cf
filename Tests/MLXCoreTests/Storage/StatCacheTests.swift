import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct StatCacheTests {
  @Test func trustsEntriesOnlyWhenStatDataMatchesAndFileIsOlderThanTheCache() throws {
    try withTemporaryDirectory { directory in
      try directory.write("content", to: "a.txt")
      try directory.write("racy", to: "b.txt")
      let digest = ObjectID(hashing: Array("content".utf8))
      let a = try #require(try FileStatus.of(directory("a.txt")))
      var cache = StatCache()
      cache.record("a.txt", status: a, digest: digest)
      try cache.save(to: directory("cache"), temporaryDirectory: directory.path)

      let loaded = StatCache.load(from: directory("cache"))
      #expect(loaded.digest(for: "a.txt", status: a) == digest)
      var changed = a
      changed.size += 1
      #expect(loaded.digest(for: "a.txt", status: changed) == nil)
      var touched = a
      touched.changedNanoseconds += 1
      #expect(loaded.digest(for: "a.txt", status: touched) == nil)
      var racy = a
      racy.modifiedNanoseconds = Int64.max / 2
      #expect(loaded.digest(for: "a.txt", status: racy) == nil)
    }
  }

  @Test func damagedCacheIsTreatedAsEmpty() throws {
    try withTemporaryDirectory { directory in
      try directory.write("MLXSTAT2\u{1}\u{0}", to: "cache")
      let cache = StatCache.load(from: directory("cache"))
      #expect(!cache.isModified)
    }
  }
}
