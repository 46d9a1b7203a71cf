import Foundation
import Testing

@testable import MLXCore

/// Git object ids the cache tests use: 40 lowercase hex digits.
enum GitFixture {
  static func oid(_ digit: Character) -> GitOID {
    GitOID(hex: String(repeating: digit, count: 40))!
  }

  /// `GitOID(hex:)` reports bad hex through libgit2's error state, which needs the library
  /// initialized (opening a repository does it; these tests open none).
  static func initializeLibgit2() { _ = libgit2Initialized }

  static let a = oid("a")
  static let b = oid("b")
  static let c = oid("c")
  static let d = oid("d")

  /// A stamp as the stat cache stores it: size, modified, changed (nanoseconds), inode.
  static func stamp(_ stamp: FileStatus.Stamp, to bytes: inout DocumentedBytes) {
    bytes.i64(stamp.size)
    bytes.i64(stamp.modifiedNanoseconds)
    bytes.i64(stamp.changedNanoseconds)
    bytes.u64(stamp.inode)
  }
}

@Suite struct ReferenceListCacheFormatTests {
  static let packed = FileStatus.Stamp(
    size: 120, modifiedNanoseconds: 1_700_000_000_000_000_001,
    changedNanoseconds: 1_700_000_000_000_000_002, inode: 7)
  static let v2 = FileStatus.Stamp(
    size: 41, modifiedNanoseconds: 1_700_000_100_000_000_000,
    changedNanoseconds: 1_700_000_100_500_000_000, inode: 0x0102_0304)
  static let lock = FileStatus.Stamp(
    size: 0, modifiedNanoseconds: 1, changedNanoseconds: 2, inode: 3)

  static let state = ReferenceListCache.State(
    packed: packed, packedTrusted: true, packedReferences: ["refs/tags/v1": GitFixture.a],
    loose: [
      "refs/tags/v2": .init(stamp: v2, target: GitFixture.b, trusted: true),
      "refs/tags/v3.lock": .init(stamp: lock, target: nil, trusted: false),
    ])

  /// Names sorted; flags: bit 0 trusted, bit 1 has a target.
  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXREF02")
    GitFixture.stamp(packed, to: &bytes)
    bytes.u8(1)
    bytes.u32(1)
    bytes.string("refs/tags/v1")
    bytes.string(GitFixture.a.hex)
    bytes.u32(2)
    bytes.string("refs/tags/v2")
    GitFixture.stamp(v2, to: &bytes)
    bytes.u8(3)
    bytes.string(GitFixture.b.hex)
    bytes.string("refs/tags/v3.lock")
    GitFixture.stamp(lock, to: &bytes)
    bytes.u8(0)
    return bytes.bytes
  }()

  @Test func encodesToTheDocumentedBytes() {
    #expect(ReferenceListCache.encode(Self.state) == Self.documented)
  }

  @Test func decodesTheDocumentedBytes() throws {
    let state = try #require(ReferenceListCache.decode(Self.documented))
    #expect(state.packed == Self.packed)
    #expect(state.packedTrusted)
    #expect(state.packedReferences == Self.state.packedReferences)
    #expect(state.loose == Self.state.loose)
    #expect(state.listing.map(\.name) == ["refs/tags/v1", "refs/tags/v2"])
  }

  /// Any damage decodes as nil: the references are then listed again through libgit2
  /// (ReferenceListCacheTests.aDamagedCacheIsIgnored).
  @Test func damagedBytesDecodeAsNil() {
    GitFixture.initializeLibgit2()
    let good = Self.documented
    var badHex = DocumentedBytes(magic: "MLXREF02")
    GitFixture.stamp(Self.packed, to: &badHex)
    badHex.u8(0)
    badHex.u32(1)
    badHex.string("refs/tags/v1")
    badHex.string(String(repeating: "z", count: 40))
    badHex.u32(0)
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.prefix(40)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 7),
      // The packed count says 256 references more.
      FormatFixture.flipping(good, at: 8 + 32 + 1 + 1),
      badHex.bytes,
    ]
    for bytes in damaged {
      #expect(ReferenceListCache.decode(bytes) == nil)
    }
  }
}

@Suite struct RunIndexFormatTests {
  static let commit = GitFixture.c.hex
  static let startedAt = 1_795_342_500.25
  static let run = RunIndex.Run(
    id: "20261122-101500-3f2a9c1e", startedAt: startedAt, codeCommit: GitFixture.d.hex,
    dirty: true, user: "ann@example.com",
    stages: [
      .init(
        name: "prepare", status: "ran", producedBy: nil,
        deps: [("data/raw.csv", FormatFixture.objectID(PackFixture.hello))],
        outs: [("data/features", FormatFixture.objectID(PackFixture.world))]),
      .init(
        name: "train", status: "restored", producedBy: "20261121-090000-00000001", deps: [],
        outs: [("model.pkl", FormatFixture.objectID(PackFixture.helloWorld))]),
    ])

  static func digest(_ bytes: [UInt8]) -> String {
    "sha256:" + bytes.map { String(format: "%02x", $0) }.joined()
  }

  static let documented: [UInt8] = {
    var bytes = DocumentedBytes(magic: "MLXRUN01")
    bytes.string(commit)
    bytes.string("20261122-101500-3f2a9c1e")
    bytes.u64(startedAt.bitPattern)
    bytes.optionalString(GitFixture.d.hex)
    bytes.u8(1)
    bytes.string("ann@example.com")
    bytes.u32(2)
    bytes.string("prepare")
    bytes.string("ran")
    bytes.optionalString(nil)
    bytes.u32(1)
    bytes.string("data/raw.csv")
    bytes.string(digest(PackFixture.hello))
    bytes.u32(1)
    bytes.string("data/features")
    bytes.string(digest(PackFixture.world))
    bytes.string("train")
    bytes.string("restored")
    bytes.optionalString("20261121-090000-00000001")
    bytes.u32(0)
    bytes.u32(1)
    bytes.string("model.pkl")
    bytes.string(digest(PackFixture.helloWorld))
    return bytes.bytes
  }()

  @Test func encodesToTheDocumentedBytes() {
    #expect(RunIndex.encode([Self.commit: Self.run]) == Self.documented)
    #expect(RunIndex.encode([:]) == Array("MLXRUN01".utf8))
  }

  @Test func decodesTheDocumentedBytes() throws {
    let runs = try #require(RunIndex.decode(Self.documented))
    let run = try #require(runs[Self.commit])
    #expect(runs.count == 1)
    #expect(run.id == Self.run.id)
    #expect(run.startedAt == Self.startedAt)
    #expect(run.codeCommit == GitFixture.d.hex)
    #expect(run.dirty)
    #expect(run.user == "ann@example.com")
    #expect(run.stages == Self.run.stages)
    #expect(
      run.stages.flatMap { $0.deps.map(\.path) + $0.outs.map(\.path) }
        == ["data/raw.csv", "data/features", "model.pkl"])
  }

  /// Any damage decodes as nil; the index is then built again from the run records.
  @Test func damagedBytesDecodeAsNil() {
    let good = Self.documented
    var badDigest = DocumentedBytes(magic: "MLXRUN01")
    badDigest.string(Self.commit)
    badDigest.string("r")
    badDigest.u64(0)
    badDigest.optionalString(nil)
    badDigest.u8(0)
    badDigest.string("u")
    badDigest.u32(1)
    badDigest.string("s")
    badDigest.string("ran")
    badDigest.optionalString(nil)
    badDigest.u32(1)
    badDigest.string("a")
    badDigest.string("sha256:not-hex")
    badDigest.u32(0)
    let damaged: [[UInt8]] = [
      Array(good.prefix(7)),
      Array(good.prefix(12)),
      Array(good.dropLast()),
      good + [0],
      FormatFixture.flipping(good, at: 0),
      badDigest.bytes,
    ]
    for bytes in damaged {
      #expect(RunIndex.decode(bytes) == nil)
    }
  }
}
