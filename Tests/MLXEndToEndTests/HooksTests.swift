import Foundation
import MLXTestSupport
import Testing

/// `mlx install-hooks`: switching branches brings each branch's data, a merge too, and a
/// git push first sends the pushed commits' data to the default mlx remote.
@Suite struct HooksTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write("main version\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.commitAll("main data")
    return repo
  }

  @Test func switchingBranchesBringsEachBranchsDataAndKeepsAnEarlierHook() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("#!/bin/sh\necho ran >> .git/earlier-hook.log\n", to: ".git/hooks/post-checkout")
    try repo.run("chmod", "+x", repo.directory(".git/hooks/post-checkout"))
    let installed = try repo.mlx("install-hooks")
    #expect(installed.succeeded, "\(installed)")
    #expect(installed.stdout.contains("Kept the existing post-checkout hook"), "\(installed)")
    // Twice is the same as once: nothing is chained twice.
    let again = try repo.mlx("install-hooks", "--json").json()
    #expect((again["chained"] as? [String])?.isEmpty == true)

    try repo.git("switch", "-q", "-c", "experiment")
    try repo.write("experiment version\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.commitAll("experiment data")

    try repo.git("switch", "-q", "main")
    #expect(try repo.read("data.csv") == "main version\n")
    try repo.git("switch", "-q", "experiment")
    #expect(try repo.read("data.csv") == "experiment version\n")
    #expect(try repo.read(".git/earlier-hook.log").split(separator: "\n").count >= 3)

    try repo.git("switch", "-q", "main")
    try repo.git("merge", "-q", "--ff-only", "experiment")
    #expect(try repo.read("data.csv") == "experiment version\n")
  }

  @Test func gitPushSendsTheDataFirstAndStopsWhenItCannot() throws {
    let repo = try repository()
    defer { repo.remove() }
    let bare = try TemporaryDirectory()
    defer { bare.remove() }
    let store = try TemporaryDirectory()
    defer { store.remove() }
    try repo.git("init", "-q", "--bare", bare.path)
    try repo.git("remote", "add", "origin", bare.path)
    try repo.mlx("remote", "add", "--default", "store", store.path)
    try repo.commitAll("remote")
    try repo.mlx("install-hooks")

    try repo.git("push", "-q", "origin", "HEAD:refs/heads/main")
    #expect(try repo.mlx("status", "--remote").succeeded)

    // The mlx remote is unusable: the git push stops and origin does not move.
    try repo.write("newer\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.commitAll("newer data")
    try FileManager.default.removeItem(atPath: store.path)
    try Data("not a directory".utf8).write(to: URL(fileURLWithPath: store.path))
    let blocked = try repo.run("git", "push", "origin", "HEAD:refs/heads/main")
    #expect(!blocked.succeeded, "\(blocked)")
    #expect(blocked.stderr.contains("git push stopped"), "\(blocked)")
    let remoteHead = try repo.git("--git-dir", bare.path, "rev-parse", "refs/heads/main")
    #expect(remoteHead != (try repo.git("rev-parse", "HEAD")))
  }
}
