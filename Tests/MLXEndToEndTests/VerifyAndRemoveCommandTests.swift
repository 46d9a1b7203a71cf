import Foundation
import MLXTestSupport
import Testing

@Suite struct VerifyCommandTests {
  @Test func healthyStorePasses() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 2 << 20, seed: 5), to: "a.bin")
    try repo.write("text", to: "d/x.txt")
    try repo.mlx("add", "a.bin", "d")
    let result = try repo.mlx("verify", "--json")
    #expect(result.succeeded, "\(result)")
    let report = try result.json()
    #expect((report["objects_checked"] as? Int ?? 0) >= 4)
    #expect((report["corrupt"] as? [Any])?.isEmpty == true)
  }

  @Test func reportsCorruptObjects() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("abc", to: "a.txt")
    try repo.mlx("add", "a.txt")
    try corruptLastByteOfEveryPack(repo)
    let result = try repo.mlx("verify")
    #expect(result.status == 1)
    #expect(result.stdout.contains("corrupt: sha256:"))
  }

  @Test func reportsContentThatPointersNeedAndTheStoreLacks() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("abc", to: "a.txt")
    try repo.mlx("add", "a.txt")
    try repo.run("rm", "-rf", ".mlx/cache")
    let result = try repo.mlx("verify")
    #expect(result.status == 1)
    #expect(result.stdout.contains("missing: sha256:"))
    #expect(result.stdout.contains("needed by a.txt.mlx"))
  }
}

@Suite struct RemoveCommandTests {
  @Test func stopsTrackingAndKeepsTheData() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("keep me", to: "data/a.txt")
    try repo.write("other", to: "data/b.txt")
    try repo.mlx("add", "data/a.txt", "data/b.txt")
    try repo.git("commit", "-qm", "track")
    let result = try repo.mlx("rm", "data/a.txt")
    #expect(result.succeeded, "\(result)")
    #expect(!repo.exists("data/a.txt.mlx"))
    #expect(try repo.read("data/a.txt") == "keep me")
    #expect(try repo.read("data/.gitignore") == "/b.txt\n")
    let staged = try repo.git("diff", "--cached", "--name-status")
    #expect(staged.contains("D\tdata/a.txt.mlx"))
    #expect(staged.contains("M\tdata/.gitignore"))
    let untracked = try repo.mlx("rm", "data/a.txt")
    #expect(untracked.status != 0)
    #expect(untracked.stderr.contains("is not tracked by mlx"))
  }
}

@Suite struct ListCommandTests {
  @Test func listsArtifactsWithKindSizeAndDigest() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("12345", to: "m.bin")
    try repo.write("a", to: "set/a")
    try repo.mlx("add", "m.bin", "--kind", "model")
    try repo.mlx("add", "set", "--kind", "features")
    let result = try repo.mlx("ls", "--json")
    let artifacts = try #require(try result.json()["artifacts"] as? [[String: Any]])
    #expect(artifacts.map { $0["path"] as? String } == ["m.bin", "set"])
    #expect(artifacts[0]["kind"] as? String == "model")
    #expect(artifacts[0]["digest"] as? String == (try repo.sha256sum("m.bin")))
    #expect(artifacts[1]["files"] as? Int == 1)
    #expect(try repo.mlx("ls").stdout.contains("features"))
  }
}
