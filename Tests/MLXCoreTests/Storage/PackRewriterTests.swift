import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct PackRewriterTests {
  /// A store holding one pack with a chunked file and a small one, and their ids.
  private func storeWithOnePack(in directory: TemporaryDirectory) throws
    -> (store: ObjectStore, large: ObjectID, small: ObjectID)
  {
    try directory.write(pseudoRandomBytes(count: 3 << 20, seed: 5), to: "large.bin")
    try directory.write(Data("small\n".utf8), to: "small.txt")
    let store = try ObjectStore.open(at: directory("store"))
    let ingester = FileIngester(
      writer: store.makeWriter(), codecs: store.codecs, compression: CompressionPolicy(level: 1),
      progress: SilentProgress())
    let large = try ingester.store(path: directory("large.bin"), displayPath: "large.bin")
    let small = try ingester.store(path: directory("small.txt"), displayPath: "small.txt")
    try ingester.writer.commit()
    return (store, large.digest, small.digest)
  }

  @Test func keptObjectsMoveToANewPackAndTheRestGoes() throws {
    try withTemporaryDirectory { directory in
      let (store, large, small) = try storeWithOnePack(in: directory)
      let recipe = try #require(try store.recipe(of: large))
      let packs = try store.publishedPacks()
      #expect(packs.count == 1)
      let keep = Set([large] + recipe.chunks.map(\.id))
      let outcome = try PackRewriter(store: store).rewrite(
        packs, keeping: keep.contains, progress: SilentProgress())
      #expect(outcome.packsWritten == 1)
      #expect(outcome.objectsCopied == keep.count)

      let reopened = try ObjectStore.open(at: directory("store"))
      #expect(try reopened.publishedPacks().map(\.name) != packs.map(\.name))
      #expect(!reopened.contains(small))
      var rebuilt = Data()
      try reopened.streamContent(of: large, rehashWhole: true) { rebuilt.append(contentsOf: $0) }
      #expect(rebuilt == pseudoRandomBytes(count: 3 << 20, seed: 5))
    }
  }

  @Test func aDamagedKeptObjectStopsTheRewriteBeforeAnythingIsRemoved() throws {
    try withTemporaryDirectory { directory in
      let (store, _, small) = try storeWithOnePack(in: directory)
      let pack = try #require(try store.publishedPacks().first)
      let entry = try #require(pack.index.find(small))
      // Flip one stored byte of the small file inside its pack.
      let path = directory("store/packs/\(pack.name).pack")
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      bytes[Int(entry.offset) + PackFormat.recordHeaderLength] ^= 1
      try FileManager.default.removeItem(atPath: path)
      try bytes.write(to: URL(fileURLWithPath: path))

      let damaged = try ObjectStore.open(at: directory("store"))
      #expect(throws: ObjectStoreError.self) {
        try PackRewriter(store: damaged).rewrite(
          try damaged.publishedPacks(), keeping: { $0 == small }, progress: SilentProgress())
      }
      #expect(FileManager.default.fileExists(atPath: path))
      #expect(try damaged.publishedPacks().map(\.name) == [pack.name])
    }
  }

  /// A reader that opened the store before gc replaced a pack finds the objects in the new
  /// pack, as a concurrent `mlx checkout` or `status` would.
  @Test func aReaderOpenedBeforeARewriteFindsTheNewPack() throws {
    try withTemporaryDirectory { directory in
      let (store, large, small) = try storeWithOnePack(in: directory)
      let reader = try ObjectStore.open(at: directory("store"))
      let recipe = try #require(try store.recipe(of: large))
      let keep = Set([large, small] + recipe.chunks.dropLast().map(\.id))
      _ = try PackRewriter(store: store).rewrite(
        try store.publishedPacks(), keeping: keep.contains, progress: SilentProgress())

      #expect(try reader.readVerifiedBlob(small) == Array("small\n".utf8))
      #expect(try reader.recipe(of: large) == recipe)
      #expect(reader.allEntries().count == keep.count)
    }
  }
}
