import Foundation
import MLXTestSupport
import Testing

@Suite struct StatusCommandTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write("a,b\n1,2\n", to: "data/table.csv")
    try repo.write("one", to: "data/images/1.txt")
    try repo.write("two", to: "data/images/2.txt")
    try repo.write("weights", to: "model.bin")
    try repo.mlx("add", "data/table.csv", "data/images", "model.bin")
    return repo
  }

  private func states(_ repo: TestRepository) throws -> [String: [String: Any]] {
    let result = try repo.mlx("status", "--json")
    #expect(result.succeeded, "\(result)")
    let artifacts = try #require(try result.json()["artifacts"] as? [[String: Any]])
    return Dictionary(uniqueKeysWithValues: artifacts.map { ($0["path"] as! String, $0) })
  }

  @Test func reportsUnchangedModifiedAndDeleted() throws {
    let repo = try repository()
    defer { repo.remove() }
    #expect(try states(repo).values.allSatisfy { $0["state"] as? String == "unchanged" })

    try repo.write("a,b\n1,3\n", to: "data/table.csv")
    try repo.run("rm", "model.bin")
    try repo.write("three", to: "data/images/3.txt")
    try repo.write("TWO", to: "data/images/2.txt")
    try repo.run("rm", "data/images/1.txt")
    let now = try states(repo)
    #expect(now["data/table.csv"]?["state"] as? String == "modified")
    #expect(now["model.bin"]?["state"] as? String == "deleted")
    let images = try #require(now["data/images"])
    #expect(images["state"] as? String == "modified")
    let changes = try #require(images["changes"] as? [String: [String]])
    #expect(changes == ["added": ["3.txt"], "modified": ["2.txt"], "deleted": ["1.txt"]])

    let text = try repo.mlx("status")
    #expect(text.stdout.contains("modified: data/table.csv"))
    #expect(text.stdout.contains("deleted: model.bin"))
    #expect(text.stdout.contains("added: data/images/3.txt"))
  }

  @Test func touchingAFileWithoutChangingItIsUnchanged() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("touch", "-d", "2001-01-01", "model.bin")
    #expect(try states(repo)["model.bin"]?["state"] as? String == "unchanged")
  }

  @Test func saysWhichPointersAreNotCommitted() throws {
    let repo = try repository()
    defer { repo.remove() }
    #expect(try states(repo)["model.bin"]?["pointer_state"] as? String == "staged")
    try repo.git("commit", "-qm", "track data")
    #expect(try states(repo)["model.bin"]?["pointer_state"] as? String == "committed")
    try repo.write("new weights", to: "model.bin")
    try repo.mlx("add", "model.bin")
    #expect(try states(repo)["model.bin"]?["pointer_state"] as? String == "staged")
    try repo.git("rm", "-q", "--cached", "model.bin.mlx")
    #expect(try states(repo)["model.bin"]?["pointer_state"] as? String == "untracked")
    #expect(try repo.mlx("status").stdout.contains("untracked: model.bin.mlx"))
  }

  @Test func reportsContentMissingFromTheCache() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.run("rm", "-rf", ".mlx/cache")
    let now = try states(repo)
    #expect(now["model.bin"]?["cached"] as? Bool == false)
    #expect(try repo.mlx("status").stdout.contains("(not in cache)"))
  }

  @Test func malformedPointerNamesFileAndLine() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write(
      "version: 1\nkind: model\npath: model.bin\ndigest: sha256:abc\nsize: 7\n", to: "model.bin.mlx"
    )
    let result = try repo.mlx("status")
    #expect(result.status != 0)
    #expect(result.errorLines.count == 1)
    #expect(result.stderr.contains("model.bin.mlx:4: digest 'sha256:abc' is not"))
    #expect(result.stderr.contains("git checkout -- model.bin.mlx"))

    try repo.write("version: 1\nkind: [unclosed\n", to: "model.bin.mlx")
    let yaml = try repo.mlx("status")
    #expect(yaml.status != 0)
    #expect(yaml.errorLines.count == 1)
    #expect(yaml.stderr.contains("model.bin.mlx:"))
    #expect(yaml.stderr.contains("invalid YAML"))
    try repo.git("checkout", "--", "model.bin.mlx")
    #expect(try repo.storeIsSound())
  }

  @Test func pointerWithAPathLeavingItsDirectoryIsRejected() throws {
    let repo = try repository()
    defer { repo.remove() }
    let digest = try repo.sha256sum("model.bin")
    try repo.write(
      "version: 1\nkind: model\npath: ../../etc/passwd\ndigest: \(digest)\nsize: 7\n",
      to: "model.bin.mlx")
    let result = try repo.mlx("checkout")
    #expect(result.status != 0)
    #expect(result.stderr.contains("must stay inside the pointer's directory"))
  }
}
