import Foundation
import MLXTestSupport
import Testing

/// One pointer that does not parse is reported on its own line, and every other artifact is
/// still shown, restored and verified; commands that act on what pointers say (gc) stop.
@Suite struct MalformedPointerTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    for name in ["a", "b", "c"] { try repo.write("\(name)\n", to: "\(name).txt") }
    try repo.mlx("add", "a.txt", "b.txt", "c.txt")
    try repo.commitAll("track")
    try repo.write("version: 1\nkind: [broken\n", to: "b.txt.mlx")
    return repo
  }

  @Test func statusShowsEveryOtherArtifactAndNamesTheBadPointer() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("changed\n", to: "a.txt")
    let status = try repo.mlx("status")
    #expect(status.status == 1, "\(status)")
    #expect(status.stdout.contains("modified: a.txt"), "\(status)")
    #expect(status.errorLines.count == 1, "\(status)")
    #expect(status.stderr.contains("b.txt.mlx"), "\(status)")
    let json = try repo.mlx("status", "--json")
    #expect(json.status == 1)
    let report = try json.json()
    #expect((report["artifacts"] as? [[String: Any]])?.count == 2)
    #expect((report["unreadable_pointers"] as? [String])?.count == 1)
  }

  @Test func checkoutRestoresTheRestAndVerifyReportsIt() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("rm", "a.txt", "c.txt")
    let checkout = try repo.mlx("checkout")
    #expect(checkout.status == 1, "\(checkout)")
    #expect(try repo.read("a.txt") == "a\n")
    #expect(try repo.read("c.txt") == "c\n")
    #expect(checkout.stderr.contains("cannot restore b.txt.mlx"), "\(checkout)")

    let verify = try repo.mlx("verify")
    #expect(verify.status == 1)
    #expect(verify.errorLines.count == 1, "\(verify)")
    #expect(verify.stderr.contains("b.txt.mlx"), "\(verify)")

    // gc must not decide what to delete while a pointer cannot be read.
    let gc = try repo.mlx("gc", "--dry-run")
    #expect(gc.status != 0)
    #expect(gc.stderr.contains("b.txt.mlx"), "\(gc)")

    // Naming a healthy artifact works as before; naming the broken one says what is wrong.
    #expect(try repo.mlx("status", "a.txt").succeeded)
    let named = try repo.mlx("status", "b.txt")
    #expect(named.status == 1)
    #expect(named.stderr.contains("b.txt.mlx"), "\(named)")
  }
}
