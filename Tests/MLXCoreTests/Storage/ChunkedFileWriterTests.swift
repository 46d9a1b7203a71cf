import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

#if canImport(Glibc)
  import Glibc
#endif

/// Restoring chunked files: every chunk checked, in parallel, raw or compressed.
@Suite struct ChunkedFileWriterTests {
  /// A file of text and random stretches, so some chunks compress and some do not.
  private static let content: Data = {
    var data = Data()
    for part in 0..<6 {
      data.append(pseudoRandomBytes(count: 700_000, seed: UInt64(part + 1)))
      let rows = (0..<60_000).map { "\($0),part-\(part),\($0 * 31 % 1000)\n" }
      data.append(Data(rows.joined().utf8))
    }
    return data
  }()

  private struct StoredSample {
    var store: ObjectStore
    var digest: ObjectID
    var recipe: ChunkRecipe
  }

  private func storeSample(
    in directory: TemporaryDirectory, compressesLargeFiles: Bool
  ) throws -> StoredSample {
    try directory.write(Self.content, to: "sample.bin")
    let store = try ObjectStore.open(at: directory("store"))
    let ingester = FileIngester(
      writer: store.makeWriter(), codecs: store.codecs,
      compression: CompressionPolicy(level: 1, compressesLargeFiles: compressesLargeFiles),
      progress: SilentProgress())
    let stored = try ingester.store(path: directory("sample.bin"), displayPath: "sample.bin")
    try ingester.writer.commit()
    let recipe = try #require(try store.recipe(of: stored.digest))
    return StoredSample(store: store, digest: stored.digest, recipe: recipe)
  }

  /// Writes the content `digest` names into a new file and returns that file's bytes.
  private func restore(_ digest: ObjectID, from store: ObjectStore, to path: String) throws
    -> Data
  {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    #expect(descriptor >= 0)
    defer { close(descriptor) }
    try store.writeContent(of: digest, to: descriptor, displayPath: "restored.bin")
    return try Data(contentsOf: URL(fileURLWithPath: path))
  }

  @Test(arguments: [false, true])
  func restoresTheExactBytes(compressesLargeFiles: Bool) throws {
    try withTemporaryDirectory { directory in
      let sample = try storeSample(in: directory, compressesLargeFiles: compressesLargeFiles)
      #expect(sample.recipe.chunks.count > 4)
      let encodings = Set(
        sample.recipe.chunks.compactMap { sample.store.locate($0.id)?.entry.encoding })
      #expect(encodings == (compressesLargeFiles ? [.raw, .zstd] : [.raw]))
      let restored = try restore(sample.digest, from: sample.store, to: directory("out.bin"))
      #expect(restored == Self.content)
    }
  }

  @Test(arguments: [false, true])
  func aDamagedChunkStopsTheRestore(compressesLargeFiles: Bool) throws {
    try withTemporaryDirectory { directory in
      let sample = try storeSample(in: directory, compressesLargeFiles: compressesLargeFiles)
      // Damage a chunk in the middle of the file, past the first workers' chunks.
      let victim = sample.recipe.chunks[sample.recipe.chunks.count / 2].id
      let (entry, pack) = try #require(sample.store.locate(victim))
      let packPath = directory("store/packs/\(pack).pack")
      let position = UInt64(entry.offset) + UInt64(PackFormat.recordHeaderLength) + 100
      try flipByte(at: position, in: packPath)

      let reopened = try ObjectStore.open(at: directory("store"))
      #expect {
        _ = try restore(sample.digest, from: reopened, to: directory("out.bin"))
      } throws: { error in
        guard case ObjectStoreError.corrupt(let id, _, _) = error else { return false }
        return id == victim
      }
    }
  }

  @Test func aTruncatedPackIsAnErrorNotACrash() throws {
    try withTemporaryDirectory { directory in
      let sample = try storeSample(in: directory, compressesLargeFiles: false)
      let (_, pack) = try #require(sample.store.locate(sample.recipe.chunks[0].id))
      let packPath = directory("store/packs/\(pack).pack")
      chmod(packPath, 0o644)
      let size = try #require(
        try FileManager.default.attributesOfItem(atPath: packPath)[.size] as? Int)
      #expect(truncate(packPath, off_t(size / 2)) == 0)

      let reopened = try ObjectStore.open(at: directory("store"))
      #expect {
        _ = try restore(sample.digest, from: reopened, to: directory("out.bin"))
      } throws: { error in
        "\(error)".contains("pack is truncated")
      }
    }
  }

  private func flipByte(at position: UInt64, in path: String) throws {
    chmod(path, 0o644)
    let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
    try handle.seek(toOffset: position)
    let byte = try #require(try handle.read(upToCount: 1)?.first)
    try handle.seek(toOffset: position)
    try handle.write(contentsOf: Data([byte ^ 0x5A]))
    try handle.close()
  }
}
