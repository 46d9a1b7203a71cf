import Foundation
import MLXTestSupport
import Testing

/// Recovering from a damaged store: `mlx verify` records damaged copies, `mlx add` of the
/// original stores them again, `mlx verify --repair` restores from the work tree, then the
/// remote, and names what is lost; a pack file gone while its index remains is named.
@Suite struct RepairTests {
  private func packs(_ repo: TestRepository) throws -> Set<String> {
    Set(
      try FileManager.default.contentsOfDirectory(atPath: repo.directory(".mlx/cache/packs"))
        .filter { $0.hasSuffix(".pack") })
  }

  @Test func addStoresAgainAnObjectWhoseCopyIsDamaged() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 71), to: "model.bin")
    try repo.mlx("add", "model.bin")
    let digest = try repo.sha256sum("model.bin")
    try corruptLastByteOfEveryPack(repo)

    let found = try repo.mlx("verify")
    #expect(found.status == 1)
    #expect(found.stdout.contains("corrupt: "), "\(found)")
    #expect(found.stdout.contains("mlx verify --repair"), "\(found)")

    let added = try repo.mlx("add", "model.bin")
    #expect(added.succeeded, "\(added)")
    #expect(!added.stdout.contains("Stored 0 new objects"), "\(added)")
    let healthy = try repo.mlx("verify")
    #expect(healthy.succeeded, "\(healthy)")
    #expect(healthy.stdout.contains("replaced by sound ones"), "\(healthy)")
    // gc drops the damaged copies with the rest of their pack's garbage.
    let collected = try repo.mlx("gc", "--grace", "0")
    #expect(collected.succeeded, "\(collected)")
    let clean = try repo.mlx("verify")
    #expect(clean.succeeded, "\(clean)")
    #expect(!clean.stdout.contains("replaced"), "\(clean)")
    try repo.run("rm", "model.bin")
    #expect(try repo.mlx("checkout").succeeded)
    #expect(try repo.sha256sum("model.bin") == digest)
  }

  /// A pack shared by hard link with a directory remote on the same disk is damaged there
  /// too: verify says so, and what to do about the remote.
  @Test func damageInAPackSharedWithASameDiskRemoteIsNamedAsShared() throws {
    let repo = try TestRepository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 1 << 20, seed: 72), to: "model.bin")
    try repo.mlx("add", "model.bin")
    try repo.mlx("remote", "add", "--default", "shared", remote.path)
    try repo.mlx("push")
    try corruptLastByteOfEveryPack(repo)
    let found = try repo.mlx("verify")
    #expect(found.status == 1)
    #expect(found.stdout.contains(".pack has 2 names on this disk"), "\(found)")
    #expect(found.stdout.contains("delete "), "\(found)")
  }

  @Test func repairUsesTheWorkTreeThenTheRemoteAndNamesWhatIsLost() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    let remote = try TemporaryDirectory()
    defer { remote.remove() }
    try repo.mlx("init")
    try repo.mlx("remote", "add", "--default", "backup", remote.path)
    // Separate adds make separate packs, so the push copies them into a pack of its own.
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 72), to: "kept.bin")
    try repo.mlx("add", "kept.bin")
    try repo.write("pushed\n", to: "pushed.txt")
    try repo.mlx("add", "pushed.txt")
    #expect(try repo.mlx("push").succeeded)
    try repo.write("only here\n", to: "unpushed.txt")
    try repo.mlx("add", "unpushed.txt")
    let keptDigest = try repo.sha256sum("kept.bin")
    try corruptLastByteOfEveryPack(repo)
    // The work tree still has kept.bin; pushed.txt was deleted; unpushed.txt was edited.
    try repo.run("rm", "pushed.txt")
    try repo.write("edited since\n", to: "unpushed.txt")

    let repaired = try repo.mlx("verify", "--repair")
    #expect(repaired.status == 1, "\(repaired)")
    #expect(repaired.stdout.contains("repaired from the work tree: kept.bin"), "\(repaired)")
    #expect(repaired.stdout.contains("fetched again from backup: pushed.txt"), "\(repaired)")
    #expect(repaired.stdout.contains("lost: unpushed.txt: 1 object lost"), "\(repaired)")

    let json = try repo.mlx("verify", "--repair", "--json").json()
    let lost = try #require((json["repair"] as? [String: Any])?["lost"] as? [[String: Any]])
    #expect(lost.compactMap { $0["location"] as? String } == ["unpushed.txt"])

    #expect(try repo.mlx("checkout", "pushed.txt").succeeded)
    #expect(try repo.read("pushed.txt") == "pushed\n")
    try repo.run("rm", "kept.bin")
    #expect(try repo.mlx("checkout", "kept.bin").succeeded)
    #expect(try repo.sha256sum("kept.bin") == keptDigest)
  }

  @Test func aPackFileGoneWhileItsIndexRemainsIsNamedWithItsObjects() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("a\n", to: "a.txt")
    try repo.mlx("add", "a.txt")
    let before = try packs(repo)
    try repo.write("b\n", to: "b.txt")
    try repo.mlx("add", "b.txt")
    let pack = try #require(try packs(repo).subtracting(before).first)
    try repo.run("mv", repo.directory(".mlx/cache/packs/\(pack)"), repo.directory("aside"))

    let result = try repo.mlx("verify")
    #expect(result.status == 1)
    #expect(
      result.stdout.contains("missing pack: \(pack) is gone"), "\(result)")
    #expect(result.stdout.contains("1 objects listed, 1 in no other pack"), "\(result)")
    #expect(result.stdout.contains("needed by b.txt.mlx"), "\(result)")
    // The rest of the store still works, and adding the file again heals it.
    #expect(try repo.mlx("status").succeeded)
    #expect(try repo.mlx("add", "b.txt").succeeded)
    #expect(try repo.mlx("verify").succeeded)
  }
}
