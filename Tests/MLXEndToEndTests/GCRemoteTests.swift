import Foundation
import MLXTestSupport
import Testing

/// A remote under test: how to list its keys and to make a push look unfinished.
private struct RemoteUnderTest {
  /// `mlx remote add` arguments after the name.
  var location: [String]
  /// The environment mlx needs to reach it.
  var environment: [String: String]
  /// Its keys under `packs/`, as `packs/pack-….pack`.
  var keys: () throws -> [String]
  /// Deletes a pack's completion marker, as a push killed before it.
  var unfinish: (String) throws -> Void
  var cleanup: () -> Void
}

private func directoryRemote() throws -> RemoteUnderTest {
  let directory = try TemporaryDirectory()
  return RemoteUnderTest(
    location: [directory.path], environment: [:],
    keys: {
      let packs = directory("packs")
      guard FileManager.default.fileExists(atPath: packs) else { return [] }
      return try FileManager.default.contentsOfDirectory(atPath: packs).sorted().map {
        "packs/" + $0
      }
    },
    unfinish: { try FileManager.default.removeItem(atPath: directory("packs/\($0).ready")) },
    cleanup: { directory.remove() })
}

private func s3Remote() throws -> RemoteUnderTest {
  let server = S3TestServer.shared
  let bucket = try server.newBucket()
  return RemoteUnderTest(
    location: ["s3://\(bucket)/team/project", "--endpoint", server.endpoint],
    environment: S3TestServer.credentials,
    keys: {
      try server.keys(in: bucket, prefix: "team/project/packs/").map {
        String($0.dropFirst("team/project/".count))
      }.sorted()
    },
    unfinish: { try server.command("delete", bucket, "team/project/packs/\($0).ready") },
    cleanup: {})
}

/// The names of the completed packs among `keys`.
private func completedPacks(_ keys: [String]) -> Set<String> {
  Set(keys.filter { $0.hasSuffix(".ready") }.map { String($0.dropFirst(6).dropLast(6)) })
}

@Suite struct GCRemoteTests {
  /// Pushes, in order: a pack main keeps; a pack of a branch that is then deleted, whose
  /// chunks a later version on main reuses (so it stays, partly garbage); that later
  /// version; a pack of another deleted branch (garbage only); and a push whose marker is
  /// missing. Then plans gc in the original, runs it from a fresh clone that holds no data
  /// (so the later version's chunk list must be read from the remote), and pulls into
  /// another clone.
  private func collectsOnlyUnreferencedPacks(_ remote: RemoteUnderTest) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    let environment = remote.environment
    func mlx(_ arguments: String..., in clone: TestRepository? = nil) throws -> ProcessResult {
      let result = try (clone ?? repo).mlx(arguments, environment: environment)
      #expect(result.succeeded, "mlx \(arguments.joined(separator: " ")): \(result)")
      return result
    }
    func pushed(_ message: String) throws -> String {
      try repo.commitAll(message)
      let before = completedPacks(try remote.keys())
      _ = try mlx("push")
      let new = completedPacks(try remote.keys()).subtracting(before)
      #expect(new.count == 1, "\(message): \(new)")
      return new.first ?? ""
    }
    try repo.mlx("init")
    try repo.mlx(["remote", "add", "--default", "store"] + remote.location)
    try repo.write("id,label\n1,a\n", to: "data/small.csv")
    try repo.mlx("add", "data/small.csv")
    let mainPack = try pushed("small")

    let original = pseudoRandomBytes(count: 6 << 20, seed: 51)
    try repo.git("checkout", "-q", "-b", "experiment")
    try repo.write(original, to: "data/big.bin")
    try repo.write("experiment only\n", to: "data/notes.txt")
    try repo.mlx("add", "data/big.bin", "data/notes.txt")
    let sharedPack = try pushed("experiment")
    try repo.git("checkout", "-q", "main")
    var edited = original
    edited.append(pseudoRandomBytes(count: 1 << 20, seed: 52))
    try repo.write(edited, to: "data/big.bin")
    try repo.mlx("add", "data/big.bin")
    let laterPack = try pushed("later")
    let big = try repo.sha256sum("data/big.bin")

    try repo.git("checkout", "-q", "-b", "junk")
    try repo.write(pseudoRandomBytes(count: 1 << 20, seed: 53), to: "junk.bin")
    try repo.mlx("add", "junk.bin")
    let junkPack = try pushed("junk")
    try repo.write("unfinished\n", to: "unfinished.txt")
    try repo.mlx("add", "unfinished.txt")
    let unfinishedPack = try pushed("unfinished")
    try remote.unfinish(unfinishedPack)
    try repo.git("checkout", "-q", "main")
    try repo.mlx("checkout")
    try repo.git("branch", "-D", "experiment", "junk")

    // Within the grace period nothing goes.
    let young = try mlx("gc", "--remote", "store", "--dry-run")
    #expect(young.stdout.contains("Would delete 0 packs and 0 leftover files"), "\(young)")

    let keys = try remote.keys()
    let plan = try mlx("gc", "--remote", "store", "--grace", "0", "--dry-run")
    #expect(plan.stdout.contains("  delete \(junkPack): "), "\(plan)")
    #expect(plan.stdout.contains("  keep   \(sharedPack): "), "\(plan)")
    #expect(plan.stdout.contains("remote packs are kept whole"), "\(plan)")
    #expect(
      plan.stdout.contains("  delete packs/\(unfinishedPack).idx: left by an unfinished push"))
    #expect(plan.stdout.contains("Would delete 1 pack and 2 leftover files"), "\(plan)")
    #expect(try remote.keys() == keys)

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let planJSON = try mlx("gc", "--remote", "store", "--grace", "0", "--json", in: clone).json()
    #expect((planJSON["delete"] as? [[String: Any]])?.map { $0["name"] as? String } == [junkPack])
    #expect(planJSON["executed"] as? Bool == true)
    let left = try remote.keys()
    #expect(completedPacks(left) == [mainPack, sharedPack, laterPack], "\(left)")
    #expect(!left.contains { $0.contains(junkPack) || $0.contains(unfinishedPack) }, "\(left)")

    let fresh = try TestRepository(cloning: repo)
    defer { fresh.remove() }
    _ = try mlx("pull", in: fresh)
    #expect(try fresh.sha256sum("data/big.bin") == big)
    #expect(try fresh.read("data/small.csv") == "id,label\n1,a\n")
    #expect(try fresh.mlx("verify").succeeded)
    _ = try mlx("status", "--remote", "--rev", "HEAD", in: fresh)
    // Nothing is left to collect.
    let again = try mlx("gc", "--remote", "store", "--grace", "0", "--json", in: fresh).json()
    #expect((again["delete"] as? [Any])?.isEmpty == true, "\(again)")
  }

  @Test func onADirectoryRemote() throws {
    let remote = try directoryRemote()
    defer { remote.cleanup() }
    try collectsOnlyUnreferencedPacks(remote)
  }

  @Test func onAnS3Remote() throws {
    let remote = try s3Remote()
    defer { remote.cleanup() }
    try collectsOnlyUnreferencedPacks(remote)
  }

  /// Files of a push without its marker go only once older than the grace period.
  @Test func unfinishedPushesOutliveTheGracePeriod() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.mlx("init")
    try repo.mlx("remote", "add", "--default", "store", remote.path)
    try repo.commitAll("init")
    let name = "pack-" + String(repeating: "ab", count: 16)
    let young = "pack-" + String(repeating: "cd", count: 16)
    for file in [name, young] {
      try remote.write("partial", to: "packs/\(file).pack")
      try remote.write("partial", to: "packs/\(file).idx")
    }
    try remote.write("abandoned", to: "tmp/x1y2.tmp-4194301")
    let aged = try repo.run(
      "sh", "-c",
      "touch -d '3 days ago' '\(remote.path)/packs/\(name).pack' '\(remote.path)/packs/\(name).idx' "
        + "'\(remote.path)/tmp/x1y2.tmp-4194301'")
    #expect(aged.succeeded)

    let result = try repo.mlx("gc", "--remote", "store")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout.contains("2 files of a push that may be under way stay"), "\(result)")
    #expect(!remote.exists("packs/\(name).pack") && !remote.exists("packs/\(name).idx"))
    #expect(!remote.exists("tmp/x1y2.tmp-4194301"))
    #expect(remote.exists("packs/\(young).pack") && remote.exists("packs/\(young).idx"))
  }
}
