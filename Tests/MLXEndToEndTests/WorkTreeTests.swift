import Foundation
import MLXTestSupport
import Testing

/// Linked work trees (`git worktree add`) share the main work tree's store, and gc in any of
/// them counts what every one of them needs.
@Suite struct WorkTreeTests {
  @Test func linkedWorkTreesShareOneStoreAndGCCountsEachOne() throws {
    let main = try TestRepository()
    defer { main.remove() }
    try main.mlx("init")
    try main.write(pseudoRandomBytes(count: 50_000, seed: 1), to: "data.bin")
    try main.mlx("add", "data.bin")
    try main.commitAll("data")
    let linked = try TestRepository(workTreeOf: main, branch: "experiment")
    defer { linked.remove() }

    // The new work tree restores the data from the main one's store: no fetch, no copy.
    let restored = try linked.mlx("checkout")
    #expect(restored.succeeded, "\(restored)")
    #expect(try linked.sha256sum("data.bin") == main.sha256sum("data.bin"))
    #expect(!linked.exists(".mlx/cache"))

    // A commit only the linked work tree's detached HEAD reaches, and an uncommitted add.
    try linked.write("committed there\n", to: "there.txt")
    try linked.mlx("add", "there.txt")
    try linked.commitAll("there")
    try linked.git("checkout", "-q", "--detach")
    try linked.git("branch", "-q", "-D", "experiment")
    let committed = try linked.sha256sum("there.txt")
    try linked.git("rm", "-q", "there.txt.mlx")
    try linked.write("added there\n", to: "pending.txt")
    try linked.mlx("add", "pending.txt")
    let pending = try linked.sha256sum("pending.txt")

    let kept = try main.mlx("gc", "--grace", "0", "--json")
    #expect(kept.succeeded, "\(kept)")
    #expect((try kept.json()["removed"] as? [String: Any])?["objects"] as? Int == 0, "\(kept)")
    let byWorkTree = try main.mlx("gc", "--explain", pending, "--grace", "0")
    #expect(
      byWorkTree.stdout.contains("kept by the work tree \(linked.path) (pending.txt.mlx)"),
      "\(byWorkTree)")
    let byHead = try main.mlx("gc", "--explain", committed, "--grace", "0", "--json")
    #expect((try byHead.json()["kept_by"] as? [String: Any])?["reference"] as? String == "HEAD")
    // gc run in the linked work tree keeps the main one's data too.
    let fromLinked = try linked.mlx("gc", "--grace", "0", "--json")
    #expect(
      (try fromLinked.json()["removed"] as? [String: Any])?["objects"] as? Int == 0,
      "\(fromLinked)")
    #expect(try main.mlx("verify").succeeded)

    // Once the work tree is gone, what only it needed goes.
    try main.git("worktree", "remove", "--force", linked.path)
    let collected = try main.mlx("gc", "--grace", "0", "--json")
    #expect(
      (try collected.json()["removed"] as? [String: Any])?["objects"] as? Int == 2, "\(collected)")
    #expect(try main.mlx("checkout", "--force").succeeded)
  }
}
