import Foundation
import MLXTestSupport
import Testing

/// Input that once got a wrong or raw error: each now gets one line saying what is wrong
/// and what to do.
@Suite struct RobustnessTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.commitAll("init")
    return repo
  }

  @Test func addingTheRepositoryRootSaysWhatToTypeInstead() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("x", to: "data/a.txt")
    for root in [".", "./", repo.path] {
      let result = try repo.mlx("add", root)
      #expect(result.status == 1, "\(result)")
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains("is the repository root"), "\(result)")
      #expect(result.stderr.contains("name the files or directories inside it"), "\(result)")
      #expect(!result.stderr.contains(".git or .mlx"), "\(result)")
    }
    // From a subdirectory, `..` is the root too.
    let below = try repo.mlx("add", "..", in: "data")
    #expect(below.stderr.contains("is the repository root"), "\(below)")
    #expect(!repo.exists(".mlx.mlx") && !repo.exists("data.mlx"))
  }

  @Test func overlongFileNamesAreRefusedWithTheLimit() throws {
    let repo = try repository()
    defer { repo.remove() }
    // Longer than any file system allows: the file cannot exist.
    let impossible = String(repeating: "x", count: 300)
    // Possible (230 bytes), but NAME.mlx and mlx's temporary names beside it would not be.
    let tooLong = String(repeating: "y", count: 230)
    try repo.write("data", to: tooLong)
    try repo.write("data", to: "set/" + tooLong)
    for path in [impossible, tooLong, "set"] {
      let result = try repo.mlx("add", path)
      #expect(result.status == 1, "\(result)")
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains("at most 200 bytes"), "\(result)")
      #expect(result.stderr.count < 400, "the name is abbreviated: \(result)")
      #expect(!result.stderr.contains("too long\n") && !result.stderr.contains("File name"))
    }
    #expect(!repo.exists("set.mlx"))
    #expect(try repo.git("status", "--porcelain", "--untracked-files=no").isEmpty)
  }

  @Test func overlongRegistryNamesAreRefusedWithTheLimit() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("weights", to: "model.bin")
    try repo.mlx("add", "model.bin")
    try repo.commitAll("model")
    let long = String(repeating: "m", count: 5000)
    for arguments in [
      ["register", long], ["register", String(repeating: "m", count: 300), "--path", "model.bin"],
      ["promote", long, "--to", "staging"],
      ["promote", "churn", "--to", long, "--path", "model.bin"],
    ] {
      let result = try repo.mlx(arguments)
      #expect(result.status == 1, "\(arguments.map { $0.prefix(20) }): \(result)")
      #expect(result.errorLines.count == 1, "\(result)")
      #expect(result.stderr.contains("at most 100 characters"), "\(result)")
      #expect(result.stderr.count < 400, "the name is abbreviated: \(result)")
    }
    #expect(try repo.git("tag", "-l").isEmpty)
  }

  @Test func aPolicyListingAStageTwiceIsRefusedNamingTheStage() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("weights", to: "model.bin")
    try repo.mlx("add", "model.bin")
    try repo.write(
      "version: 1\nstages:\n  - name: dev\n  - name: staging\n  - dev\n", to: ".mlx/policy.yaml")
    try repo.commitAll("policy")
    let result = try repo.mlx("promote", "churn", "--to", "staging", "--path", "model.bin")
    #expect(result.status == 1)
    let output = result.stdout + result.stderr
    #expect(output.contains(".mlx/policy.yaml:5: stage 'dev' is listed twice"), "\(result)")
    #expect(try repo.git("tag", "-l").isEmpty)
  }

  @Test func aMissingAllowedSignersFileIsNamedAsMissing() throws {
    let fixture = try RegistryFixture()
    defer { fixture.remove() }
    let repo = fixture.repo
    try repo.git("rm", "-q", ".mlx/allowed_signers")
    try repo.commitAll("no signers")
    #expect(try repo.mlx("promote", "churn", "--to", "dev").succeeded)
    #expect(try repo.mlx("promote", "churn", "--to", "staging").succeeded)
    let result = try repo.mlx("promote", "churn", "--to", "production")
    #expect(result.status == 1)
    let output = result.stdout + result.stderr
    #expect(
      output.contains(
        "the allowed signers file .mlx/allowed_signers on refs/heads/main is missing"),
      "\(result)")
    #expect(!output.contains("is not allowed to sign"), "\(result)")
    // With -q, the failed check is on the one error line.
    let quiet = try repo.mlx("promote", "-q", "churn", "--to", "production")
    #expect(quiet.errorLines.count == 1, "\(quiet)")
    #expect(quiet.stderr.contains(".mlx/allowed_signers on refs/heads/main is missing"))
  }

  @Test func aManifestListingAFileAndAPathInsideItIsRefused() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("aaaa", to: "data/a.txt")
    try repo.mlx("add", "data")
    let digest = try repo.sha256sum("data/a.txt")
    // Content reaches a store as any tracked file's bytes: here, a manifest's text.
    let manifest = "mlx-manifest 1\n100644 4 \(digest) a\n100644 4 \(digest) a/b\n"
    try repo.write(manifest, to: "carrier.txt")
    try repo.mlx("add", "carrier.txt")
    let manifestDigest = try repo.sha256sum("carrier.txt")
    try repo.write(
      "version: 1\nkind: dataset\npath: both\ndigest: \(manifestDigest)\nsize: 8\nfiles: 2\n",
      to: "both.mlx")
    let checkout = try repo.mlx("checkout", "both")
    #expect(checkout.status == 1)
    #expect(checkout.errorLines.count == 1, "\(checkout)")
    #expect(checkout.stderr.contains("the manifest of both"), "\(checkout)")
    #expect(checkout.stderr.contains("'a/b' is inside 'a', which is listed as a file"))
    #expect(!checkout.stderr.contains("Is a directory"), "\(checkout)")
    #expect(!checkout.stderr.contains("line ?"), "\(checkout)")
    #expect(!repo.exists("both"))
  }

  @Test func aFreshCloneIsToldToPull() throws {
    let repo = try repository()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.write("a,b\n1,2\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.mlx("remote", "add", "--default", "shared", remote.path)
    try repo.write(
      "stages:\n  train:\n    cmd: cp data.csv model.txt\n    deps: [data.csv]\n    outs: [model.txt]\n",
      to: "mlx.yaml")
    try repo.mlx("push")
    try repo.commitAll("data")
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let status = try clone.mlx("status")
    #expect(status.succeeded, "\(status)")
    #expect(status.stdout.contains("deleted: data.csv (not in cache)"), "\(status)")
    #expect(status.stdout.contains("`mlx pull` fetches them from remote shared"), "\(status)")
    #expect(
      status.stdout.contains("is tracked (data.csv.mlx) but not in the work tree; `mlx pull`"),
      "\(status)")
    #expect(!status.stdout.contains("`mlx add` it"), "\(status)")
    #expect(try clone.mlx("pull", "--no-git").succeeded)
    #expect(try clone.read("data.csv") == "a,b\n1,2\n")
  }

  /// A tag of the name the next version would take, which the audit does not count (it was
  /// made where the policy did not parse), is passed over; a version given by hand that
  /// collides with it is refused, naming the version once.
  @Test func registerPassesOverATagTheRegistryDoesNotCount() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("weights\n", to: "model.bin")
    try repo.mlx("add", "model.bin")
    try repo.write("stages: [dev\n", to: ".mlx/policy.yaml")
    try repo.commitAll("a policy that does not parse")
    try repo.write("stages:\n  - name: dev\n", to: ".mlx/policy.yaml")
    try repo.commitAll("the policy fixed")
    try repo.git("tag", "-a", "-m", "x", "model@v0.0.1", "HEAD~1")

    let given = try repo.mlx("register", "model", "--path", "model.bin", "--version", "v0.0.1")
    #expect(given.status == 1, "\(given)")
    #expect(given.errorLines.count == 1, "\(given)")
    #expect(given.stderr.contains("model@v0.0.1 "), "\(given)")
    #expect(!given.stderr.contains("model@model@"), "\(given)")

    let automatic = try repo.mlx("register", "model", "--path", "model.bin")
    #expect(automatic.succeeded, "\(automatic)")
    #expect(try repo.git("tag", "--list", "model@*") == "model@v0.0.1\nmodel@v0.0.2\n")
  }
}
