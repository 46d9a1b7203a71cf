import Foundation
import MLXTestSupport
import Testing

/// `mlx push`, `pull`, `fetch` and `status --remote` with an S3 remote: moto's S3 server,
/// started by the tests on 127.0.0.1, reached directly or through a proxy that injects 500s,
/// dropped connections and stalls.
@Suite struct S3RemoteTests {
  /// A committed repository tracking a 20 MiB file (it goes up in two packs), a small
  /// file and a directory, with a default S3 remote at `endpoint` in a new bucket.
  private func project(
    endpoint: String = S3TestServer.shared.endpoint, server: S3TestServer = .shared,
    timeout: Int? = nil
  ) throws -> (repo: TestRepository, bucket: String) {
    let repo = try TestRepository()
    let bucket = try server.newBucket()
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 20 << 20, seed: 61), to: "data/big.bin")
    try repo.write("id,label\n1,a\n", to: "data/small.csv")
    try repo.write("x", to: "images/a.txt")
    try repo.write("y", to: "images/deeper/b.txt")
    try repo.mlx("add", "data/big.bin", "data/small.csv", "images")
    var arguments = [
      "remote", "add", "--default", "store", "s3://\(bucket)/team/project",
      "--endpoint", endpoint,
    ]
    if let timeout { arguments += ["--timeout", "\(timeout)"] }
    let added = try repo.mlx(arguments)
    #expect(added.succeeded, "\(added)")
    try repo.commitAll("track data")
    return (repo, bucket)
  }

  private let paths = ["data/big.bin", "data/small.csv", "images/a.txt", "images/deeper/b.txt"]
  private let credentials = S3TestServer.credentials

  @Test func pushThenPullIntoAFreshClone() throws {
    let (repo, bucket) = try project()
    defer { repo.remove() }
    let before = try repo.mlx("status", "--remote", environment: credentials)
    #expect(before.status == 1, "\(before)")
    #expect(before.stdout.contains("missing on store: data/big.bin"))

    let pushed = try repo.mlx("push", "--json", environment: credentials)
    #expect(pushed.succeeded, "\(pushed)")
    let again = try repo.mlx("push", "--json", environment: credentials)
    #expect((try again.json()["totals"] as? [String: Any])?["objects"] as? Int == 0)
    #expect(try repo.mlx("status", "--remote", environment: credentials).succeeded)

    // Packs of at most 16 MiB (one PUT each): two for 20 MiB, each with its index and its
    // marker, under the URL's prefix.
    let keys = try S3TestServer.shared.keys(in: bucket)
    #expect(keys.count == 6, "\(keys)")
    #expect(keys.allSatisfy { $0.hasPrefix("team/project/packs/pack-") }, "\(keys)")
    let stems = Set(keys.map { $0.split(separator: ".").first! })
    #expect(stems.count == 2)
    #expect(Set(keys.map { $0.split(separator: ".").last! }) == ["pack", "idx", "ready"])

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull", "--jobs", "3", environment: credentials)
    #expect(pulled.succeeded, "\(pulled)")
    for path in paths {
      #expect(try clone.sha256sum(path) == (try repo.sha256sum(path)))
    }
    #expect(try clone.mlx("verify").succeeded)
  }

  @Test func credentialsComeFromTheLocalFileOrAProfileAndNeverFromTheCommittedOne() throws {
    let (repo, _) = try project()
    defer { repo.remove() }
    let none = try repo.mlx("push")
    #expect(none.status == 1)
    #expect(none.errorLines.count == 1, "\(none)")
    #expect(none.stderr.contains("no S3 credentials"), "\(none)")

    let committed = try repo.mlx("remote", "modify", "store", "secret_access_key", "s")
    #expect(committed.status != 0)
    #expect(committed.stderr.contains("add --local"), "\(committed)")

    #expect(try repo.mlx("remote", "modify", "--local", "store", "access_key_id", "k").succeeded)
    #expect(
      try repo.mlx("remote", "modify", "--local", "store", "secret_access_key", "s").succeeded)
    #expect(try repo.read(".mlx/config.local.yaml").contains("secret_access_key"))
    #expect(!(try repo.read(".mlx/config.yaml").contains("secret")))
    #expect(!(try repo.mlx("remote", "list", "--json").stdout.contains("secret")))
    let pushed = try repo.mlx("push")
    #expect(pushed.succeeded, "\(pushed)")

    // A profile in the AWS files, named by AWS_PROFILE.
    try repo.run("rm", ".mlx/config.local.yaml")
    try repo.write(
      "[ci]\naws_access_key_id = k\naws_secret_access_key = s\n", to: "aws-credentials")
    let profiled = try repo.mlx(
      "status", "--remote",
      environment: [
        "AWS_PROFILE": "ci", "AWS_SHARED_CREDENTIALS_FILE": repo.directory("aws-credentials"),
      ])
    #expect(profiled.succeeded, "\(profiled)")
    let missing = try repo.mlx("push", environment: ["AWS_PROFILE": "nobody"])
    #expect(missing.stderr.contains("profile nobody is in neither"), "\(missing)")

    // A secret in the committed file is refused with the line that holds it.
    let config = try repo.read(".mlx/config.yaml")
    try repo.write(config + "    secret_access_key: s\n", to: ".mlx/config.yaml")
    let leaked = try repo.mlx("push", environment: credentials)
    #expect(leaked.status != 0)
    #expect(leaked.errorLines.count == 1, "\(leaked)")
    #expect(leaked.stderr.contains(".mlx/config.yaml"), "\(leaked)")
    #expect(leaked.stderr.contains("move it to .mlx/config.local.yaml"), "\(leaked)")
  }

  @Test func retriesGetThroughErrorsAndDroppedConnections() throws {
    let server = try S3TestServer()
    let (repo, _) = try project(endpoint: server.proxyEndpoint, server: server)
    defer { repo.remove() }
    try server.setFaults("500:2", "drop:2:PUT")
    let pushed = try repo.mlx("push", environment: credentials)
    #expect(pushed.succeeded, "\(pushed)")
    try server.setFaults("drop:1:GET", "500:2:GET")
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull", environment: credentials)
    #expect(pulled.succeeded, "\(pulled)")
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
    // Every injected fault was met and retried.
    try server.setFaults()
    #expect(try server.command("requests") != "0")
  }

  @Test func aStalledRequestTimesOutAndIsRetried() throws {
    let server = try S3TestServer()
    let (repo, _) = try project(endpoint: server.proxyEndpoint, server: server, timeout: 1)
    defer { repo.remove() }
    try server.setFaults("stall:1:PUT:.idx")
    let pushed = try repo.mlx("push", environment: credentials)
    #expect(pushed.succeeded, "\(pushed)")
    #expect(try repo.mlx("status", "--remote", environment: credentials).succeeded)
  }

  @Test func aFailedPushLeavesNothingAReaderCounts() throws {
    let server = try S3TestServer()
    let (repo, bucket) = try project(endpoint: server.proxyEndpoint, server: server)
    defer { repo.remove() }
    try server.setFaults("500:always:PUT:.ready")
    let failed = try repo.mlx("push", environment: credentials)
    #expect(failed.status == 1)
    #expect(failed.errorLines.count == 1, "\(failed)")
    #expect(failed.stderr.contains("HTTP 500 InternalError"), "\(failed)")
    #expect(failed.stderr.contains(".ready"), "\(failed)")
    let keys = try server.keys(in: bucket)
    #expect(!keys.contains { $0.hasSuffix(".ready") }, "\(keys)")
    #expect(try repo.mlx("status", "--remote", environment: credentials).status == 1)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull", environment: credentials).status == 1)

    try server.setFaults()
    #expect(try repo.mlx("push", environment: credentials).succeeded)
    #expect(try clone.mlx("pull", environment: credentials).succeeded)
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
  }

  @Test func aKilledPushIsCompletedByRunningItAgain() throws {
    let server = try S3TestServer()
    let (repo, bucket) = try project(endpoint: server.proxyEndpoint, server: server)
    defer { repo.remove() }
    // Credentials in the local file, so the background push finds them.
    try repo.mlx("remote", "modify", "--local", "store", "access_key_id", "k")
    try repo.mlx("remote", "modify", "--local", "store", "secret_access_key", "s")
    // The 20 MiB go up as two packs. The first marker is written, the second one's upload
    // hangs; kill the push while it waits.
    try server.setFaults("pass:1:PUT:.ready", "stall:always:PUT:.ready")
    let process = try repo.launchMLX("push")
    var waited = 0
    while try server.keys(in: bucket).filter({ $0.hasSuffix(".ready") }).count < 1, waited < 600 {
      usleep(50_000)
      waited += 1
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    #expect(try repo.mlx("status", "--remote").status == 1)

    // Running it again sends only the pack that was not completed.
    try server.setFaults()
    let again = try repo.mlx("push", "--json")
    #expect(again.succeeded, "\(again)")
    let sent = try #require((try again.json()["totals"] as? [String: Any])?["bytes"] as? Int)
    #expect(sent > 0 && sent <= 16 << 20, "sent \(sent) bytes again")
    #expect(try repo.mlx("status", "--remote").succeeded)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull", environment: credentials).succeeded)
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
  }

  @Test func twoPushesAtOnceBothLand() throws {
    let (repo, _) = try project()
    defer { repo.remove() }
    let other = try TestRepository(cloning: repo)
    defer { other.remove() }
    try repo.mlx("remote", "modify", "--local", "store", "access_key_id", "k")
    try repo.mlx("remote", "modify", "--local", "store", "secret_access_key", "s")
    try other.mlx("remote", "modify", "--local", "store", "access_key_id", "k")
    try other.mlx("remote", "modify", "--local", "store", "secret_access_key", "s")
    try other.write(pseudoRandomBytes(count: 3 << 20, seed: 62), to: "data/other.bin")
    try other.mlx("add", "data/other.bin")
    try other.commitAll("other data")

    let first = try repo.launchMLX("push")
    let second = try other.launchMLX("push", "data/other.bin")
    first.waitUntilExit()
    second.waitUntilExit()
    #expect(first.terminationStatus == 0)
    #expect(second.terminationStatus == 0)
    #expect(try repo.mlx("status", "--remote").succeeded)
    let otherStatus = try other.mlx("status", "--remote", "store", "data/other.bin")
    #expect(otherStatus.succeeded, "\(otherStatus)")

    let clone = try TestRepository(cloning: other)
    defer { clone.remove() }
    #expect(try clone.mlx("pull", environment: credentials).succeeded)
    #expect(try clone.sha256sum("data/other.bin") == (try other.sha256sum("data/other.bin")))
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
  }

  @Test func aDamagedPackOnTheBucketIsRefused() throws {
    let (repo, bucket) = try project()
    defer { repo.remove() }
    #expect(try repo.mlx("push", environment: credentials).succeeded)
    let pack = try #require(
      try S3TestServer.shared.keys(in: bucket).first { $0.hasSuffix(".pack") })
    try S3TestServer.shared.command("corrupt", bucket, pack)
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull", environment: credentials)
    #expect(pulled.status == 1)
    #expect(pulled.errorLines.count == 1, "\(pulled)")
    #expect(pulled.stderr.contains("is damaged"), "\(pulled)")
    #expect(!clone.exists("data/big.bin"))
    let stored =
      (try? FileManager.default.contentsOfDirectory(
        atPath: clone.directory(".mlx/cache/packs"))) ?? []
    #expect(stored.isEmpty, "\(stored)")
  }

  @Test func unreachableServicesAndMissingBucketsAreOneLine() throws {
    let (repo, _) = try project()
    defer { repo.remove() }
    try repo.mlx(
      "remote", "add", "nobucket", "s3://not-a-bucket-here/x", "--endpoint",
      S3TestServer.shared.endpoint)
    let missing = try repo.mlx("push", "-r", "nobucket", environment: credentials)
    #expect(missing.status == 1)
    #expect(missing.errorLines.count == 1, "\(missing)")
    #expect(missing.stderr.contains("NoSuchBucket"), "\(missing)")

    // Port 9 on loopback: nothing listens there.
    try repo.mlx(
      "remote", "add", "closed", "s3://bucket-x/x", "--endpoint", "http://127.0.0.1:9",
      "--timeout", "1")
    let closed = try repo.mlx("push", "-r", "closed", environment: credentials)
    #expect(closed.status == 1)
    #expect(closed.errorLines.count == 1, "\(closed)")
    #expect(closed.stderr.contains("cannot connect to http://127.0.0.1:9"), "\(closed)")

    for (arguments, message) in [
      (["--endpoint", "ftp://x"], "endpoint must start with http"),
      (["--endpoint", "http://host/path"], "with no path"),
      (["--addressing", "sideways"], "addressing is 'path' or 'virtual'"),
      (["--timeout", "0"], "timeout is a number of seconds"),
    ] {
      let result = try repo.mlx(["remote", "add", "bad", "s3://bucket-y/x"] + arguments)
      #expect(result.status != 0)
      #expect(result.stderr.contains(message), "\(result)")
    }
    let directory = try repo.mlx("remote", "add", "bad", "/srv/x", "--region", "eu-west-1")
    #expect(directory.stderr.contains("--region is for s3:// remotes"), "\(directory)")
  }
}
