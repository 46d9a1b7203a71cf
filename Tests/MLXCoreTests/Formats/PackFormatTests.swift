import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// Objects and byte layouts the pack, index and recipe tests share, as docs/formats.md
/// gives them.
enum PackFixture {
  /// SHA-256 of `hello`, `world` and `helloworld`, as `sha256sum` prints them.
  static let hello = FormatFixture.hex(
    "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
  static let world = FormatFixture.hex(
    "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7")
  static let helloWorld = FormatFixture.hex(
    "936a185caaa266bb9cbe981e9e05cb78cd732b0b3280eb944412bb6f8f8f07af")
  static let packName = "pack-" + String(repeating: "0", count: 32)

  /// A record: id (32), kind (1), encoding (1), 6 zero bytes, raw length and stored length
  /// (8 each, little-endian), then the stored bytes.
  static func record(
    id: [UInt8], kind: UInt8, encoding: UInt8 = 0, rawLength: UInt64, stored: [UInt8]
  ) -> [UInt8] {
    var bytes = DocumentedBytes()
    bytes.raw(id)
    bytes.u8(kind)
    bytes.u8(encoding)
    bytes.zeros(6)
    bytes.u64(rawLength)
    bytes.u64(UInt64(stored.count))
    bytes.raw(stored)
    return bytes.bytes
  }

  /// An index entry: id (32), record offset, stored length, raw length (8 each), kind,
  /// encoding, 6 zero bytes.
  static func indexEntry(
    id: [UInt8], offset: UInt64, stored: UInt64, raw: UInt64, kind: UInt8, encoding: UInt8 = 0
  ) -> [UInt8] {
    var bytes = DocumentedBytes()
    bytes.raw(id)
    bytes.u64(offset)
    bytes.u64(stored)
    bytes.u64(raw)
    bytes.u8(kind)
    bytes.u8(encoding)
    bytes.zeros(6)
    return bytes.bytes
  }

  /// `MLXIDX01`, the entry count (8 bytes), the entries, the SHA-256 of all of it.
  static func index(_ entries: [[UInt8]]) -> [UInt8] {
    var bytes = DocumentedBytes(magic: "MLXIDX01")
    bytes.u64(UInt64(entries.count))
    for entry in entries { bytes.raw(entry) }
    bytes.sha256OfAllBefore()
    return bytes.bytes
  }

  /// `MLXRCP01`, the chunk count (8 bytes), per chunk its id and length (8 bytes), then the
  /// SHA-256 of all of it.
  static func recipe(_ chunks: [(id: [UInt8], length: UInt64)]) -> [UInt8] {
    var bytes = DocumentedBytes(magic: "MLXRCP01")
    bytes.u64(UInt64(chunks.count))
    for chunk in chunks {
      bytes.raw(chunk.id)
      bytes.u64(chunk.length)
    }
    bytes.sha256OfAllBefore()
    return bytes.bytes
  }

  /// A pack holding the blobs `hello` and `world` and the chunked file `helloworld` made of
  /// them (`recipe` replaces its recipe), with its index.
  static func store(recipe: [UInt8]? = nil) -> (pack: [UInt8], index: [UInt8]) {
    let recipe = recipe ?? Self.recipe([(hello, 5), (world, 5)])
    var pack = DocumentedBytes(magic: "MLXPACK1")
    pack.zeros(8)
    pack.raw(record(id: hello, kind: 1, rawLength: 5, stored: Array("hello".utf8)))
    pack.raw(record(id: world, kind: 1, rawLength: 5, stored: Array("world".utf8)))
    pack.raw(record(id: helloWorld, kind: 2, rawLength: 10, stored: recipe))
    let index = Self.index([
      indexEntry(id: hello, offset: 16, stored: 5, raw: 5, kind: 1),
      indexEntry(id: world, offset: 77, stored: 5, raw: 5, kind: 1),
      indexEntry(id: helloWorld, offset: 138, stored: UInt64(recipe.count), raw: 10, kind: 2),
    ])
    return (pack.bytes, index)
  }

  /// Writes a pack and its index into a fresh store at `directory` and opens it.
  static func open(pack: [UInt8], index: [UInt8], in directory: TemporaryDirectory) throws
    -> ObjectStore
  {
    try directory.write(Data(pack), to: "store/packs/\(packName).pack")
    try directory.write(Data(index), to: "store/packs/\(packName).idx")
    return try ObjectStore.open(at: directory("store"))
  }

  static func content(of id: [UInt8], in store: ObjectStore) throws -> String {
    var bytes: [UInt8] = []
    try store.streamContent(of: FormatFixture.objectID(id), rehashWhole: true) { bytes += $0 }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Every field of an entry, for comparing.
  static func fields(_ entry: PackEntry) -> String {
    "\(entry.id) @\(entry.offset) stored \(entry.storedLength) raw \(entry.rawLength) "
      + "kind \(entry.kind.rawValue) encoding \(entry.encoding.rawValue)"
  }
}

@Suite struct PackFormatTests {
  /// The example of docs/formats.md: a pack holding the raw blob `hello`.
  static let documentedPack = FormatFixture.hex(
    """
    4d 4c 58 50 41 43 4b 31  00 00 00 00 00 00 00 00
    2c f2 4d ba 5f b0 a3 0e  26 e8 3b 2a c5 b9 e2 9e
    1b 16 1e 5c 1f a7 42 5e  73 04 33 62 93 8b 98 24
    01 00 00 00 00 00 00 00  05 00 00 00 00 00 00 00
    05 00 00 00 00 00 00 00  68 65 6c 6c 6f
    """)

  @Test func theDocumentedExampleIsTheDocumentedLayout() {
    var pack = DocumentedBytes(magic: "MLXPACK1")
    pack.zeros(8)
    pack.raw(
      PackFixture.record(
        id: PackFixture.hello, kind: 1, rawLength: 5, stored: Array("hello".utf8)))
    #expect(pack.bytes == Self.documentedPack)
    #expect(ObjectID(hashing: Array("hello".utf8)).bytes == PackFixture.hello)
  }

  @Test func recordHeaderEncodesToTheDocumentedBytes() {
    let entry = PackEntry(
      id: FormatFixture.objectID(FormatFixture.counting(from: 1)), offset: 16,
      storedLength: 0x1122, rawLength: 0x0102_0304_0506_0708, kind: .chunked, encoding: .zstd)
    var header = [UInt8](repeating: 0xee, count: PackFormat.recordHeaderLength)
    header.withUnsafeMutableBytes { PackFormat.writeRecordHeader(entry, to: $0.baseAddress!) }
    var expected = DocumentedBytes()
    expected.raw(FormatFixture.counting(from: 1))
    expected.u8(2)
    expected.u8(1)
    expected.zeros(6)
    expected.u64(0x0102_0304_0506_0708)
    expected.u64(0x1122)
    #expect(header == expected.bytes)
    #expect(header.count == 56)
  }

  @Test func recordHeaderDecodesFromTheDocumentedBytes() throws {
    let bytes = PackFixture.record(
      id: FormatFixture.counting(from: 1), kind: 2, encoding: 1, rawLength: 0x0102_0304_0506_0708,
      stored: [])
    let entry = try #require(
      bytes.withUnsafeBytes { PackFormat.readRecordHeader($0, offset: 77) })
    let expected = PackEntry(
      id: FormatFixture.objectID(FormatFixture.counting(from: 1)), offset: 77, storedLength: 0,
      rawLength: 0x0102_0304_0506_0708, kind: .chunked, encoding: .zstd)
    #expect(PackFixture.fields(entry) == PackFixture.fields(expected))
  }

  /// A header too short, or with a kind or encoding mlx does not know, decodes as nil.
  @Test func damagedRecordHeaderDecodesAsNil() {
    let good = PackFixture.record(
      id: PackFixture.hello, kind: 1, rawLength: 5, stored: Array("hello".utf8))
    let truncated = Array(good[0..<55])
    let unknownKind = FormatFixture.flipping(good, at: 32)
    let unknownEncoding = FormatFixture.flipping(good, at: 33)
    for damaged in [truncated, unknownKind, unknownEncoding] {
      #expect(damaged.withUnsafeBytes { PackFormat.readRecordHeader($0, offset: 16) } == nil)
    }
    #expect(good.withUnsafeBytes { PackFormat.readRecordHeader($0, offset: 16) } != nil)
  }

  /// What ``PackWriter`` writes is the documented pack and index, byte for byte.
  @Test func packWriterWritesTheDocumentedPackAndIndex() throws {
    try withTemporaryDirectory { directory in
      let store = try ObjectStore.open(at: directory("store"))
      let writer = store.makeWriter()
      for text in ["hello", "world"] {
        let raw = Array(text.utf8)
        _ = try raw.withUnsafeBytes {
          try writer.append(ObjectID(hashing: raw), kind: .blob, raw: $0, compressed: nil)
        }
      }
      let index = try #require(try writer.commit().first)
      let pack = try FileSystem.read(directory("store/packs/\(index.name).pack"))
      let indexBytes = try FileSystem.read(directory("store/packs/\(index.name).idx"))

      var expected = DocumentedBytes(magic: "MLXPACK1")
      expected.zeros(8)
      expected.raw(
        PackFixture.record(
          id: PackFixture.hello, kind: 1, rawLength: 5, stored: Array("hello".utf8)))
      expected.raw(
        PackFixture.record(
          id: PackFixture.world, kind: 1, rawLength: 5, stored: Array("world".utf8)))
      #expect(pack == expected.bytes)
      #expect(Array(pack[0..<77]) == Self.documentedPack)
      #expect(
        indexBytes
          == PackFixture.index([
            PackFixture.indexEntry(id: PackFixture.hello, offset: 16, stored: 5, raw: 5, kind: 1),
            PackFixture.indexEntry(id: PackFixture.world, offset: 77, stored: 5, raw: 5, kind: 1),
          ]))
    }
  }

  /// A store made of documented bytes reads back: blobs, and a chunked file through its recipe.
  @Test func documentedPackReadsBack() throws {
    try withTemporaryDirectory { directory in
      let (pack, index) = PackFixture.store()
      let store = try PackFixture.open(pack: pack, index: index, in: directory)
      #expect(try PackFixture.content(of: PackFixture.hello, in: store) == "hello")
      #expect(try PackFixture.content(of: PackFixture.world, in: store) == "world")
      #expect(try PackFixture.content(of: PackFixture.helloWorld, in: store) == "helloworld")
      let file = FormatFixture.objectID(PackFixture.helloWorld)
      #expect(try store.contentSize(of: file) == 10)
    }
  }

  /// Stored bytes cut short: the object read names the pack and says it is truncated.
  @Test func truncatedPackIsReportedCorrupt() throws {
    try withTemporaryDirectory { directory in
      let (pack, index) = PackFixture.store()
      let store = try PackFixture.open(pack: Array(pack[0..<74]), index: index, in: directory)
      let id = FormatFixture.objectID(PackFixture.hello)
      let expected = ObjectStoreError.corrupt(
        id, pack: PackFixture.packName, reason: "pack is truncated")
      #expect(throws: expected) { try PackFixture.content(of: PackFixture.hello, in: store) }
      #expect(
        expected.description
          == "object sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 in "
          + "\(PackFixture.packName) is corrupt (pack is truncated); run `mlx verify`, then add "
          + "the file again")
    }
  }

  /// A flipped byte in stored content fails the check against the object's id.
  @Test func flippedContentByteIsReportedCorrupt() throws {
    try withTemporaryDirectory { directory in
      let (pack, index) = PackFixture.store()
      let damaged = FormatFixture.flipping(pack, at: 16 + 56 + 1)
      let store = try PackFixture.open(pack: damaged, index: index, in: directory)
      let id = FormatFixture.objectID(PackFixture.hello)
      #expect(
        throws: ObjectStoreError.corrupt(
          id, pack: PackFixture.packName, reason: "content does not match its digest")
      ) {
        try PackFixture.content(of: PackFixture.hello, in: store)
      }
      #expect(try PackFixture.content(of: PackFixture.world, in: store) == "world")
      #expect(
        throws: ObjectStoreError.corrupt(
          id, pack: PackFixture.packName, reason: "content does not match its digest")
      ) {
        try PackFixture.content(of: PackFixture.helloWorld, in: store)
      }
    }
  }

  /// Reads go through the index to each record's stored bytes and check them by id; the
  /// pack's own magic and record headers are not read, so damage there goes unnoticed.
  @Test func packMagicAndRecordHeadersAreNotReadBack() throws {
    try withTemporaryDirectory { directory in
      let (pack, index) = PackFixture.store()
      var damaged = FormatFixture.flipping(pack, at: 0)
      damaged = FormatFixture.flipping(damaged, at: 16 + 32)
      let store = try PackFixture.open(pack: damaged, index: index, in: directory)
      #expect(try PackFixture.content(of: PackFixture.hello, in: store) == "hello")
    }
  }
}

@Suite struct PackIndexFormatTests {
  static let path = "/store/packs/pack.idx"

  static let entries = [
    PackEntry(
      id: FormatFixture.objectID(PackFixture.world), offset: 77, storedLength: 5, rawLength: 5,
      kind: .blob, encoding: .raw),
    PackEntry(
      id: FormatFixture.objectID(PackFixture.hello), offset: 16, storedLength: 3,
      rawLength: 0x0304_0506_0708, kind: .chunked, encoding: .zstd),
  ]

  /// Entries sorted by id (`hello`'s id sorts before `world`'s), whatever the order given.
  static let documented = PackFixture.index([
    PackFixture.indexEntry(
      id: PackFixture.hello, offset: 16, stored: 3, raw: 0x0304_0506_0708, kind: 2,
      encoding: 1),
    PackFixture.indexEntry(id: PackFixture.world, offset: 77, stored: 5, raw: 5, kind: 1),
  ])

  /// The example of docs/formats.md: the index of the pack holding `hello`.
  static let documentedExample = FormatFixture.hex(
    """
    4d 4c 58 49 44 58 30 31  01 00 00 00 00 00 00 00
    2c f2 4d ba 5f b0 a3 0e  26 e8 3b 2a c5 b9 e2 9e
    1b 16 1e 5c 1f a7 42 5e  73 04 33 62 93 8b 98 24
    10 00 00 00 00 00 00 00  05 00 00 00 00 00 00 00
    05 00 00 00 00 00 00 00  01 00 00 00 00 00 00 00
    42 37 7b 36 c1 9e d0 40  d9 3c 14 e6 61 6d f2 a5
    9d 17 c4 2d 1e 05 90 6b  29 4b 97 0f 94 8d 9e f8
    """)

  @Test func theDocumentedExampleIsTheDocumentedLayout() {
    let layout = PackFixture.index([
      PackFixture.indexEntry(id: PackFixture.hello, offset: 16, stored: 5, raw: 5, kind: 1)
    ])
    #expect(layout == Self.documentedExample)
    let entry = PackEntry(
      id: FormatFixture.objectID(PackFixture.hello), offset: 16, storedLength: 5, rawLength: 5,
      kind: .blob, encoding: .raw)
    #expect(PackFormat.encodeIndex([entry]) == Self.documentedExample)
  }

  @Test func encodesToTheDocumentedBytes() {
    let encoded = PackFormat.encodeIndex(Self.entries)
    #expect(encoded == Self.documented)
    #expect(encoded.count == 16 + 2 * 64 + 32)
  }

  @Test func decodesTheDocumentedBytes() throws {
    let index = try PackIndex(name: "pack", bytes: Self.documented, path: Self.path)
    #expect(index.count == 2)
    #expect(
      index.entries.map(PackFixture.fields) == Self.entries.reversed().map(PackFixture.fields))
    let world = try #require(index.find(FormatFixture.objectID(PackFixture.world)))
    #expect(world.offset == 77)
    #expect(index.find(FormatFixture.objectID(PackFixture.helloWorld)) == nil)
  }

  @Test func anEmptyIndexIsHeaderAndChecksum() throws {
    var expected = DocumentedBytes(magic: "MLXIDX01")
    expected.u64(0)
    expected.sha256OfAllBefore()
    #expect(PackFormat.encodeIndex([]) == expected.bytes)
    #expect(try PackIndex(name: "pack", bytes: expected.bytes, path: Self.path).count == 0)
  }

  static func reason(for bytes: [UInt8]) -> String? {
    do {
      _ = try PackIndex(name: "pack", bytes: bytes, path: path)
      return nil
    } catch {
      guard case .corruptIndex(let errorPath, let reason) = error as? ObjectStoreError,
        errorPath == path
      else { return "unexpected \(error)" }
      return reason
    }
  }

  @Test func damagedIndexesAreRejectedWithTheReason() {
    let good = Self.documented
    let cases: [(bytes: [UInt8], reason: String)] = [
      (Array(good[0..<47]), "not an mlx pack index"),
      (FormatFixture.flipping(good, at: 3), "not an mlx pack index"),
      (Array(good.dropLast()), "length does not match its count"),
      (good + [0], "length does not match its count"),
      (FormatFixture.flipping(good, at: 8), "length does not match its count"),
      // A count with its top bit set: must not trap converting or multiplying it.
      (FormatFixture.flipping(good, at: 15), "length does not match its count"),
      (FormatFixture.flipping(good, at: 13), "length does not match its count"),
      (FormatFixture.flipping(good, at: 16 + 64 + 40), "checksum mismatch"),
      (FormatFixture.flipping(good, at: good.count - 1), "checksum mismatch"),
    ]
    for (bytes, reason) in cases {
      #expect(Self.reason(for: bytes) == reason)
    }
    #expect(
      ObjectStoreError.corruptIndex(path: Self.path, reason: "checksum mismatch").description
        == "/store/packs/pack.idx is corrupt (checksum mismatch); move it aside and add the "
        + "affected files again")
  }

  /// A store refuses to open with a damaged index, naming the file.
  @Test func storeWithADamagedIndexDoesNotOpen() throws {
    try withTemporaryDirectory { directory in
      let (pack, index) = PackFixture.store()
      let path = directory("store/packs/\(PackFixture.packName).idx")
      #expect(throws: ObjectStoreError.corruptIndex(path: path, reason: "checksum mismatch")) {
        try PackFixture.open(
          pack: pack, index: FormatFixture.flipping(index, at: 20), in: directory)
      }
    }
  }
}

@Suite struct ChunkRecipeFormatTests {
  static let recipe = ChunkRecipe(chunks: [
    .init(id: FormatFixture.objectID(PackFixture.hello), length: 5),
    .init(id: FormatFixture.objectID(FormatFixture.counting(from: 0x10)), length: 0x0001_0203),
  ])
  static let documented = PackFixture.recipe([
    (PackFixture.hello, 5), (FormatFixture.counting(from: 0x10), 0x0001_0203),
  ])

  /// The example of docs/formats.md: `helloworld` as the chunks `hello` and `world`.
  static let documentedExample = FormatFixture.hex(
    """
    4d 4c 58 52 43 50 30 31  02 00 00 00 00 00 00 00
    2c f2 4d ba 5f b0 a3 0e  26 e8 3b 2a c5 b9 e2 9e
    1b 16 1e 5c 1f a7 42 5e  73 04 33 62 93 8b 98 24
    05 00 00 00 00 00 00 00  48 6e a4 62 24 d1 bb 4f
    b6 80 f3 4f 7c 9a d9 6a  8f 24 ec 88 be 73 ea 8e
    5a 6c 65 26 0e 9c b8 a7  05 00 00 00 00 00 00 00
    64 7a 69 ea 2f 5b db d3  7a c9 74 97 6a 34 37 ea
    17 bb 0d 72 5e 69 b8 46  96 0e de ff 1a 16 4e d4
    """)

  @Test func theDocumentedExampleIsTheDocumentedLayout() {
    #expect(
      PackFixture.recipe([(PackFixture.hello, 5), (PackFixture.world, 5)]) == Self.documentedExample
    )
    let recipe = ChunkRecipe(chunks: [
      .init(id: FormatFixture.objectID(PackFixture.hello), length: 5),
      .init(id: FormatFixture.objectID(PackFixture.world), length: 5),
    ])
    #expect(recipe.encoded == Self.documentedExample)
    #expect(ChunkRecipe(decoding: Self.documentedExample) == recipe)
  }

  @Test func encodesToTheDocumentedBytes() {
    #expect(Self.recipe.encoded == Self.documented)
    #expect(Self.documented.count == 16 + 2 * 40 + 32)
  }

  @Test func decodesTheDocumentedBytes() {
    #expect(ChunkRecipe(decoding: Self.documented) == Self.recipe)
    #expect(ChunkRecipe(decoding: PackFixture.recipe([])) == ChunkRecipe(chunks: []))
  }

  @Test func damagedRecipesDecodeAsNil() {
    let good = Self.documented
    /// A count that disagrees with the length, under a checksum that matches.
    func recount(_ count: UInt64) -> [UInt8] {
      var bytes = DocumentedBytes(magic: "MLXRCP01")
      bytes.u64(count)
      bytes.raw(Array(good[16..<(good.count - 32)]))
      bytes.sha256OfAllBefore()
      return bytes.bytes
    }
    let damaged: [[UInt8]] = [
      Array(good[0..<47]),
      Array(good.dropLast()),
      FormatFixture.flipping(good, at: 0),
      FormatFixture.flipping(good, at: 8),
      FormatFixture.flipping(good, at: 16 + 40 + 33),
      FormatFixture.flipping(good, at: good.count - 1),
      recount(3),
      recount(1 << 63),
      recount(1 << 60),
    ]
    for bytes in damaged {
      #expect(ChunkRecipe(decoding: bytes) == nil)
    }
  }

  /// Through the store, a recipe that does not decode is a malformed chunk list.
  @Test func storeReportsADamagedRecipe() throws {
    try withTemporaryDirectory { directory in
      let recipe = FormatFixture.flipping(PackFixture.recipe([(PackFixture.hello, 5)]), at: 20)
      let (pack, index) = PackFixture.store(recipe: recipe)
      let store = try PackFixture.open(pack: pack, index: index, in: directory)
      let id = FormatFixture.objectID(PackFixture.helloWorld)
      #expect(throws: ObjectStoreError.malformedRecipe(id)) {
        try PackFixture.content(of: PackFixture.helloWorld, in: store)
      }
      #expect(
        ObjectStoreError.malformedRecipe(id).description
          == "object sha256:936a185caaa266bb9cbe981e9e05cb78cd732b0b3280eb944412bb6f8f8f07af is "
          + "a malformed chunk list; run `mlx verify`, then add the file again")
    }
  }
}
