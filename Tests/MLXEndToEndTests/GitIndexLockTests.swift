import Foundation
import MLXTestSupport
import Testing

/// mlx waits for Git's `index.lock` instead of failing on it, and when the wait runs out it
/// leaves the index as it found it.
@Suite struct GitIndexLockTests {
  /// An editor's or a shell prompt's `git add -A` running while `mlx add` stages: every add
  /// succeeds, and no data file ends up in Git's index.
  @Test func addRacingGitAddAllSucceedsAndKeepsTheDataOutOfGit() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    for round in 0..<4 {
      let names = ["a", "b", "c"].map { "data/\($0)\(round).csv" }
      for name in names { try repo.write("\(name)\n", to: name) }
      let git = ProcessRunner.which("git") ?? "git"
      let loop = Process()
      loop.executableURL = URL(fileURLWithPath: "/bin/sh")
      loop.arguments = ["-c", "for i in $(seq 30); do '\(git)' add -A 2>/dev/null; done"]
      loop.currentDirectoryURL = URL(fileURLWithPath: repo.path)
      try loop.run()
      let added = try repo.mlx(["add"] + names)
      loop.waitUntilExit()
      #expect(added.succeeded, "round \(round): \(added)")
    }
    try repo.git("add", "-A")
    let indexed = try repo.git("ls-files").split(separator: "\n")
    #expect(indexed.filter { $0.hasSuffix(".csv") }.isEmpty, "\(indexed)")
    #expect(indexed.filter { $0.hasSuffix(".csv.mlx") }.count == 12, "\(indexed)")
  }

  @Test func aLockThatStaysIsAnErrorAndTheIndexIsUntouched() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("x\n", to: "data.csv")
    let indexBefore = try Data(contentsOf: URL(fileURLWithPath: repo.directory(".git/index")))
    try repo.write("", to: ".git/index.lock")
    let result = try repo.mlx(["add", "data.csv"], environment: ["MLX_GIT_LOCK_TIMEOUT": "0.3"])
    #expect(result.status == 1)
    #expect(result.stderr.contains("mlx: waiting for Git's index.lock"), "\(result)")
    let errors = result.errorLines.filter { !$0.hasPrefix("mlx: waiting") }
    #expect(errors.count == 1, "\(result)")
    #expect(errors.first?.contains(".git/index.lock has been held") == true, "\(result)")
    #expect(errors.first?.contains("delete that file") == true, "\(result)")
    let indexAfter = try Data(contentsOf: URL(fileURLWithPath: repo.directory(".git/index")))
    #expect(indexAfter == indexBefore)

    // Once the lock is gone, the same command completes the work.
    try FileManager.default.removeItem(atPath: repo.directory(".git/index.lock"))
    #expect(try repo.mlx("add", "data.csv").succeeded)
    #expect(try repo.git("ls-files").contains("data.csv.mlx"))
  }
}
