import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct ObjectStoreTests {
  @Test func storedFilesReadBackAndSurviveReopening() throws {
    try withTemporaryDirectory { directory in
      let text = Data(String(repeating: "row,1,2,3\n", count: 100_000).utf8)
      let random = pseudoRandomBytes(count: 5 << 20, seed: 9)
      try directory.write(text, to: "text.csv")
      try directory.write(random, to: "random.bin")

      let store = try ObjectStore.open(at: directory("store"))
      let writer = store.makeWriter()
      let ingester = FileIngester(
        writer: writer, codecs: store.codecs,
        compression: CompressionPolicy(level: 3, compressesLargeFiles: true),
        progress: SilentProgress())
      let textFile = try ingester.store(path: directory("text.csv"), displayPath: "text.csv")
      let randomFile = try ingester.store(path: directory("random.bin"), displayPath: "random.bin")
      #expect(!store.contains(textFile.digest), "objects are invisible before commit")
      try writer.commit()
      #expect(writer.written.bytes < Int64(text.count / 5 + random.count + 4096), "text compressed")

      let reopened = try ObjectStore.open(at: directory("store"))
      for (file, expected) in [(textFile, text), (randomFile, random)] {
        var rebuilt = Data()
        try reopened.streamContent(of: file.digest) { rebuilt.append(contentsOf: $0) }
        #expect(rebuilt == expected)
        #expect(file.digest == ObjectID(hashing: Array(expected)))
      }
    }
  }

  @Test func largeFilesAreStoredRawAndSmallOnesCompressedByDefault() throws {
    try withTemporaryDirectory { directory in
      let small = Data(String(repeating: "row,1,2,3\n", count: 10_000).utf8)
      let large = Data((0..<300_000).map { "\($0),label-\($0 % 7)\n" }.joined().utf8)
      try directory.write(small, to: "small.csv")
      try directory.write(large, to: "large.csv")
      let store = try ObjectStore.open(at: directory("store"))
      let ingester = FileIngester(
        writer: store.makeWriter(), codecs: store.codecs,
        compression: CompressionPolicy(level: 1), progress: SilentProgress())
      let smallFile = try ingester.store(path: directory("small.csv"), displayPath: "small.csv")
      let largeFile = try ingester.store(path: directory("large.csv"), displayPath: "large.csv")
      try ingester.writer.commit()

      let smallEntry = try #require(store.locate(smallFile.digest)?.entry)
      #expect(smallEntry.encoding == .zstd)
      #expect(smallEntry.storedLength * 10 < smallEntry.rawLength)
      let recipe = try #require(try store.recipe(of: largeFile.digest))
      #expect(recipe.chunks.count > 1)
      for chunk in recipe.chunks {
        let entry = try #require(store.locate(chunk.id)?.entry)
        #expect(entry.encoding == .raw && entry.storedLength == entry.rawLength)
      }
    }
  }

  @Test func missingObjectsAreNamed() throws {
    try withTemporaryDirectory { directory in
      let store = try ObjectStore.open(at: directory("store"))
      let id = ObjectID(hashing: Array("absent".utf8))
      #expect(throws: ObjectStoreError.missing(id)) {
        try store.streamContent(of: id) { _ in }
      }
    }
  }

  @Test func damagedIndexIsRejected() throws {
    try withTemporaryDirectory { directory in
      let store = try ObjectStore.open(at: directory("store"))
      let ingester = FileIngester(
        writer: store.makeWriter(), codecs: store.codecs, compression: .none,
        progress: SilentProgress())
      _ = try ingester.storeBlob(Array("hello".utf8))
      let index = try #require(try ingester.writer.commit().first)
      let path = directory("store/packs/\(index.name).idx")
      var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
      bytes[20] ^= 1
      try FileManager.default.removeItem(atPath: path)
      try bytes.write(to: URL(fileURLWithPath: path))
      #expect {
        try ObjectStore.open(at: directory("store"))
      } throws: { error in
        "\(error)".contains("checksum mismatch")
      }
    }
  }
}
