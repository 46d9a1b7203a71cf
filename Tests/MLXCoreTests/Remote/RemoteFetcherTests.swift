import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// What a hostile remote can claim about a chunked file.
@Suite struct RemoteFetcherTests {
  /// A chunk list with a valid checksum, stored under another file's digest, lists real
  /// chunks that make a different file: the fetch refuses it and keeps nothing.
  @Test func aRecipeWhoseChunksMakeAnotherFileIsRefused() throws {
    try withTemporaryDirectory { directory in
      try FileManager.default.createDirectory(
        atPath: directory("remote"), withIntermediateDirectories: true)
      let storage = try DirectoryRemote(root: directory("remote"))
      let honest = pseudoRandomBytes(count: 3 << 20, seed: 71)
      try directory.write(honest, to: "honest.bin")

      // The honest file, pushed as it should be.
      let source = try ObjectStore.open(at: directory("source"))
      let ingester = FileIngester(
        writer: source.makeWriter(), codecs: source.codecs, compression: .none,
        progress: SilentProgress())
      let stored = try ingester.store(path: directory("honest.bin"), displayPath: "honest.bin")
      try ingester.writer.commit()
      let recipe = try #require(try source.recipe(of: stored.digest))
      func push(from store: ObjectStore, _ ids: [ObjectID]) throws {
        let catalog = try RemoteCatalog.load(
          from: storage, remoteName: "r", cacheFolder: directory("cache"))
        _ = try RemotePusher(
          store: store, storage: storage, remoteName: "r", cacheFolder: directory("cache")
        )
        .push(ids, catalog: catalog, progress: SilentProgress())
      }
      try push(from: source, recipe.chunks.map(\.id) + [stored.digest])

      // The forgery: the same chunk list under the digest of other content.
      let claimed = ObjectID(hashing: Array("other content".utf8))
      let forger = try ObjectStore.open(at: directory("forger"))
      let writer = forger.makeWriter()
      _ = try recipe.encoded.withUnsafeBytes {
        try writer.append(claimed, kind: .chunked, raw: $0, compressed: nil)
      }
      try writer.commit()
      try push(from: forger, [claimed])

      let victim = try ObjectStore.open(at: directory("victim"))
      let catalog = try RemoteCatalog.load(
        from: storage, remoteName: "r", cacheFolder: directory("victim-cache"))
      #expect {
        _ = try RemoteFetcher(store: victim, storage: storage, remoteName: "r").fetch(
          [ObjectClosure.Root(digest: claimed, isDirectory: false)], catalog: catalog,
          progress: SilentProgress())
      } throws: { error in
        "\(error)".contains("do not rebuild the file")
      }
      #expect(!victim.contains(claimed))
      let packs = try FileManager.default.contentsOfDirectory(atPath: directory("victim/packs"))
      #expect(packs.isEmpty, "\(packs)")

      // The honest file still fetches.
      let reopened = try ObjectStore.open(at: directory("victim"))
      _ = try RemoteFetcher(store: reopened, storage: storage, remoteName: "r").fetch(
        [ObjectClosure.Root(digest: stored.digest, isDirectory: false)], catalog: catalog,
        progress: SilentProgress())
      var rebuilt = Data()
      try reopened.streamContent(of: stored.digest, rehashWhole: true) {
        rebuilt.append(contentsOf: $0)
      }
      #expect(rebuilt == honest)
    }
  }

  /// From a directory remote on the same file system, a pack this user owns and nobody can
  /// write is hard-linked into the store, not copied; a writable one is copied.
  @Test(arguments: [true, false])
  func aReadOnlyPackOfThisUserIsLinkedNotCopied(readOnly: Bool) throws {
    try withTemporaryDirectory { directory in
      try FileManager.default.createDirectory(
        atPath: directory("remote"), withIntermediateDirectories: true)
      let storage = try DirectoryRemote(root: directory("remote"))
      try directory.write(pseudoRandomBytes(count: 200_000, seed: 5), to: "data.bin")
      let source = try ObjectStore.open(at: directory("source"))
      let ingester = FileIngester(
        writer: source.makeWriter(), codecs: source.codecs, compression: .none,
        progress: SilentProgress())
      let stored = try ingester.store(path: directory("data.bin"), displayPath: "data.bin")
      try ingester.writer.commit()
      let pushed = try RemoteCatalog.load(
        from: storage, remoteName: "r", cacheFolder: directory("cache"))
      _ = try RemotePusher(
        store: source, storage: storage, remoteName: "r", cacheFolder: directory("cache")
      ).push([stored.digest], catalog: pushed, progress: SilentProgress())
      let remotePacks = try FileManager.default.subpathsOfDirectory(atPath: directory("remote"))
        .filter { $0.hasSuffix(".pack") }.map { directory("remote/" + $0) }
      for pack in remotePacks {
        try FileManager.default.setAttributes(
          [.posixPermissions: readOnly ? 0o444 : 0o644], ofItemAtPath: pack)
      }

      let target = try ObjectStore.open(at: directory("target"))
      let catalog = try RemoteCatalog.load(
        from: storage, remoteName: "r", cacheFolder: directory("target-cache"))
      _ = try RemoteFetcher(store: target, storage: storage, remoteName: "r").fetch(
        [ObjectClosure.Root(digest: stored.digest, isDirectory: false)], catalog: catalog,
        progress: SilentProgress())
      let fetched = try FileManager.default.contentsOfDirectory(atPath: directory("target/packs"))
        .filter { $0.hasSuffix(".pack") }.map { directory("target/packs/" + $0) }
      func inode(_ path: String) throws -> UInt64 { try #require(try FileStatus.of(path)).inode }
      let shared = try fetched.filter { pack in
        try remotePacks.contains { try inode($0) == inode(pack) }
      }
      #expect(shared.count == (readOnly ? fetched.count : 0), "\(fetched) \(remotePacks)")
      #expect(!fetched.isEmpty)
      var content = Data()
      try target.streamContent(of: stored.digest, rehashWhole: true) {
        content.append(contentsOf: $0)
      }
      #expect(content == (try Data(contentsOf: URL(fileURLWithPath: directory("data.bin")))))
    }
  }
}
