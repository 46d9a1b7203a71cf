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
}
