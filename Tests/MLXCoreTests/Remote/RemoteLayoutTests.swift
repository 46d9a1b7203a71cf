import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct RemoteLayoutTests {
  /// The marker is the documented 80 bytes, and only those read back.
  @Test func markerHasTheDocumentedBytes() throws {
    let indexDigest = ObjectID(hashing: Array("index".utf8))
    let marker = RemoteLayout.Marker(packLength: 0x0102, indexDigest: indexDigest)
    let bytes = marker.encoded
    #expect(bytes.count == 80)
    #expect(Array(bytes[0..<8]) == Array("MLXRDY01".utf8))
    #expect(Array(bytes[8..<16]) == [0x02, 0x01, 0, 0, 0, 0, 0, 0])
    #expect(Array(bytes[16..<48]) == indexDigest.bytes)
    #expect(Array(bytes[48..<80]) == ObjectID(hashing: Array(bytes[0..<48])).bytes)
    #expect(RemoteLayout.Marker(decoding: bytes) == marker)

    for position in [0, 9, 20, 60] {
      var damaged = bytes
      damaged[position] ^= 1
      #expect(RemoteLayout.Marker(decoding: damaged) == nil)
    }
    #expect(RemoteLayout.Marker(decoding: Array(bytes.dropLast())) == nil)
  }

  @Test func onlyPackKeysNameAPack() {
    let name = "pack-" + String(repeating: "0a", count: 16)
    #expect(RemoteLayout.packName(of: "packs/\(name).ready", extension: "ready") == name)
    #expect(RemoteLayout.packName(of: "packs/\(name).idx", extension: "ready") == nil)
    #expect(RemoteLayout.packName(of: "packs/../\(name).ready", extension: "ready") == nil)
    #expect(RemoteLayout.packName(of: "packs/pack-XYZ.ready", extension: "ready") == nil)
    #expect(
      RemoteLayout.packName(of: "packs/" + name.uppercased() + ".ready", extension: "ready") == nil)
  }

  @Test(arguments: [
    ("/srv/store", "/srv/store"), ("file:///srv/store/", "/srv/store"), ("/", "/"),
  ])
  func directoryURLsParse(url: String, path: String) throws {
    #expect(try RemoteLocation(url: url) == .directory(path))
  }

  @Test func s3URLsParse() throws {
    #expect(
      try RemoteLocation(url: "s3://bucket/a/b") == .s3(S3Location(bucket: "bucket", prefix: "a/b"))
    )
  }

  @Test(arguments: ["relative", "s3://Bucket", "s3://b", "http://host/x", "/srv/../etc", ""])
  func otherURLsAreRefused(url: String) {
    #expect(throws: RemoteError.self) { try RemoteLocation(url: url) }
  }
}

@Suite struct RemotesBlockTests {
  private let remotes = [
    RemoteSpec(name: "shared", url: "/srv/a: b", isDefault: true),
    RemoteSpec(name: "backup", url: "/srv/backup"),
  ]

  @Test func appendsABlockAndKeepsTheRest() {
    let text = "# settings\nversion: 1\ncache:\n  dir: .mlx/cache\n"
    let updated = RemotesBlock.replacing(in: text, with: remotes)
    #expect(
      updated == text
        + "remotes:\n  shared:\n    url: \"/srv/a: b\"\n    default: true\n  backup:\n"
        + "    url: /srv/backup\n")
  }

  @Test func replacesTheBlockInPlaceAndRemovesIt() {
    let text = "version: 1\nremotes:\n  old:\n    url: /x\n\n# after\ncache:\n  dir: c\n"
    let updated = RemotesBlock.replacing(in: text, with: [remotes[1]])
    #expect(
      updated
        == "version: 1\nremotes:\n  backup:\n    url: /srv/backup\n\n# after\ncache:\n  dir: c\n")
    #expect(
      RemotesBlock.replacing(in: text, with: []) == "version: 1\n\n# after\ncache:\n  dir: c\n")
  }

  @Test func whatItWritesLoadsBack() throws {
    var configuration = WorkspaceConfiguration()
    try configuration.apply(
      RemotesBlock.replacing(in: "version: 1\n", with: remotes), path: "config.yaml")
    #expect(configuration.remotes == remotes)
  }
}

@Suite struct ImpossibleIndexEntryTests {
  /// An index whose checksum holds but whose entry points past any real pack is refused
  /// when read, before any arithmetic on it can overflow.
  @Test(arguments: [UInt64(1) << 63, UInt64.max - 8, UInt64(1) << 49])
  func offsetsPastAnyPackAreRefused(offset: UInt64) {
    let entry = PackEntry(
      id: ObjectID(hashing: Array("x".utf8)), offset: offset, storedLength: 1, rawLength: 1,
      kind: .blob, encoding: .raw)
    let bytes = PackFormat.encodeIndex([entry])
    #expect {
      _ = try PackIndex(name: "pack-x", bytes: bytes, path: "x.idx")
    } throws: { error in
      "\(error)".contains("impossible offset or length")
    }
  }

  @Test func recipesWithHugeChunksAreMalformed() {
    let chunk = ChunkRecipe.Chunk(id: ObjectID(hashing: Array("x".utf8)), length: 1 << 40)
    #expect(ChunkRecipe(decoding: ChunkRecipe(chunks: [chunk]).encoded) == nil)
  }
}
