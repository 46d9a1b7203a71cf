import Foundation
import MLXTestSupport
import Testing

@Suite struct DiffCommandTests {
  @Test func comparesArtifactsBetweenCommits() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("1", to: "data/a.txt")
    try repo.write("2", to: "data/b.txt")
    try repo.write("old", to: "model.bin")
    try repo.write("gone", to: "old.csv")
    try repo.mlx("add", "data", "model.bin", "old.csv")
    try repo.git("commit", "-qm", "first")

    try repo.write("22", to: "data/b.txt")
    try repo.write("3", to: "data/c.txt")
    try repo.write("new", to: "model.bin")
    try repo.write("fresh", to: "new.csv")
    try repo.mlx("add", "data", "model.bin", "new.csv")
    try repo.mlx("rm", "old.csv")
    try repo.git("commit", "-qm", "second")

    let result = try repo.mlx("diff", "HEAD~1", "HEAD", "--json")
    #expect(result.succeeded, "\(result)")
    let entries = try #require(try result.json()["entries"] as? [[String: Any]])
    let changes = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as! String, $0) })
    #expect(changes["model.bin"]?["change"] as? String == "modified")
    #expect(changes["new.csv"]?["change"] as? String == "added")
    #expect(changes["old.csv"]?["change"] as? String == "removed")
    #expect(
      changes["data"]?["files"] as? [String: [String]] == [
        "added": ["c.txt"], "modified": ["b.txt"], "deleted": [],
      ])

    let text = try repo.mlx("diff", "HEAD~1", "HEAD")
    #expect(text.stdout.contains("modified: data (2 B -> 4 B)"))
    #expect(text.stdout.contains("added: data/c.txt"))
    #expect(try repo.mlx("diff").stdout.contains("No artifact changes between HEAD and workspace"))
  }

  @Test func comparesARevisionWithTheWorkTree() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("v1", to: "m.bin")
    try repo.mlx("add", "m.bin")
    #expect(try repo.mlx("diff").stdout.contains("added: m.bin"))
    try repo.git("commit", "-qm", "v1")
    try repo.write("v2", to: "m.bin")
    try repo.mlx("add", "m.bin")
    #expect(try repo.mlx("diff", "HEAD").stdout.contains("modified: m.bin"))
  }

  @Test func unknownRevisionIsAOneLineError() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    let result = try repo.mlx("diff", "no-such-branch", "HEAD")
    #expect(result.status != 0)
    #expect(
      result.errorLines == [
        "Error: unknown revision 'no-such-branch'; use a commit, branch or tag name"
      ])
  }
}
