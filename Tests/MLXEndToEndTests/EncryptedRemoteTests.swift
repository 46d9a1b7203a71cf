import Foundation
import MLXTestSupport
import Testing

/// `encrypt: true` remotes: objects sealed with AES-256-GCM and named by HMAC-SHA-256, a
/// key that never enters Git, and clear errors for a wrong key or a changed object.
@Suite struct EncryptedRemoteTests {
  private let key = String(repeating: "ab", count: 32)

  private func project() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write(pseudoRandomBytes(count: 3 << 20, seed: 71), to: "data/big.bin")
    try repo.write("id,label\n1,secret-value\n", to: "data/small.csv")
    try repo.mlx("add", "data/big.bin", "data/small.csv")
    return repo
  }

  /// Every file under `directory`, read whole.
  private func contents(of directory: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: directory)
    while let relative = enumerator?.nextObject() as? String {
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory)
      if !isDirectory.boolValue {
        result[relative] = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + relative))
      }
    }
    return result
  }

  @Test func aDirectoryRemoteHoldsOnlySealedBytesUnderKeyedNames() throws {
    let repo = try project()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    #expect(try repo.mlx("remote", "add", "--default", "--encrypt", "vault", remote.path).succeeded)
    let keyless = try repo.mlx("push")
    #expect(keyless.status == 1)
    #expect(keyless.errorLines.count == 1, "\(keyless)")
    #expect(keyless.stderr.contains("mlx remote keygen vault"), "\(keyless)")

    let generated = try repo.mlx("remote", "keygen", "vault")
    #expect(generated.succeeded, "\(generated)")
    #expect(try repo.run("stat", "-c", "%a", ".mlx/keys/vault.key").stdout == "600\n")
    #expect(try repo.read(".mlx/config.local.yaml").contains("key_file"))
    #expect(try repo.mlx("remote", "keygen", "vault").status != 0)
    #expect(try repo.mlx("push").succeeded)
    #expect(try repo.mlx("status", "--remote").succeeded)
    try repo.commitAll("track")
    #expect(!(try repo.git("ls-files").contains("vault.key")))

    // Neither names, object ids nor content are readable on the remote.
    let files = try contents(of: remote.path)
    #expect(files.keys.contains("packs/keycheck"))
    #expect(!files.keys.contains { $0.contains("pack-") }, "\(files.keys)")
    let digest = String(try repo.sha256sum("data/small.csv").dropFirst(7))
    let digestBytes = Data(
      stride(from: 0, to: 64, by: 2).map { offset -> UInt8 in
        let start = digest.index(digest.startIndex, offsetBy: offset)
        return UInt8(digest[start...digest.index(after: start)], radix: 16)!
      })
    for (name, data) in files {
      #expect(data.range(of: Data("secret-value".utf8)) == nil, "\(name)")
      #expect(data.range(of: digestBytes) == nil, "\(name)")
      #expect(data.range(of: Data(digest.utf8)) == nil, "\(name)")
    }

    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    #expect(try clone.mlx("pull").status == 1)
    let wrong = try clone.mlx("pull", environment: ["MLX_REMOTE_KEY_VAULT": key])
    #expect(wrong.status == 1)
    #expect(wrong.errorLines.count == 1, "\(wrong)")
    #expect(wrong.stderr.contains("was encrypted with another key"), "\(wrong)")
    let right = try repo.read(".mlx/keys/vault.key")
    let pulled = try clone.mlx("pull", environment: ["MLX_REMOTE_KEY_VAULT": right])
    #expect(pulled.succeeded, "\(pulled)")
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
    #expect(try clone.read("data/small.csv") == "id,label\n1,secret-value\n")
  }

  @Test(arguments: ["pack", "idx", "swap"])
  func aChangedObjectIsAnErrorNeverBadBytes(change: String) throws {
    let repo = try project()
    let remote = try TemporaryDirectory()
    defer {
      repo.remove()
      remote.remove()
    }
    try repo.mlx("remote", "add", "--default", "--encrypt", "vault", remote.path)
    try repo.commitAll("track")
    let environment = ["MLX_REMOTE_KEY_VAULT": key]
    #expect(try repo.mlx("push", "data/big.bin", environment: environment).succeeded)
    #expect(try repo.mlx("push", "data/small.csv", environment: environment).succeeded)
    let packs = try FileManager.default.contentsOfDirectory(atPath: remote.path + "/packs")
      .filter { $0.hasSuffix(".pack") }.sorted()
    #expect(packs.count == 2)
    let first = remote.path + "/packs/" + packs[0]
    switch change {
    case "swap":
      // Each pack's index under the other's name.
      let a = first.dropLast(5) + ".idx"
      let b = remote.path + "/packs/" + packs[1].dropLast(5) + ".idx"
      try repo.run("mv", String(a), remote.path + "/tmp-idx")
      try repo.run("mv", String(b), String(a))
      try repo.run("mv", remote.path + "/tmp-idx", String(b))
    default:
      let path = change == "pack" ? first : String(first.dropLast(5)) + ".idx"
      chmod(path, 0o644)
      let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
      try handle.seek(toOffset: 40)
      let byte = try #require(try handle.read(upToCount: 1)?.first)
      try handle.seek(toOffset: 40)
      try handle.write(contentsOf: Data([byte ^ 0x01]))
      try handle.close()
    }
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull", environment: environment)
    #expect(pulled.status == 1)
    #expect(pulled.errorLines.count == 1, "\(pulled)")
    #expect(pulled.stderr.contains("is damaged"), "\(pulled)")
    let stored =
      (try? FileManager.default.contentsOfDirectory(
        atPath: clone.directory(".mlx/cache/packs"))) ?? []
    #expect(stored.isEmpty, "\(stored)")
    #expect(!clone.exists("data/big.bin"))
  }

  @Test func anS3RemoteRoundTripsSealed() throws {
    let repo = try project()
    defer { repo.remove() }
    let bucket = try S3TestServer.shared.newBucket()
    try repo.mlx(
      "remote", "add", "--default", "--encrypt", "vault", "s3://\(bucket)/sealed", "--endpoint",
      S3TestServer.shared.endpoint)
    try repo.commitAll("track")
    var environment = S3TestServer.credentials
    environment["MLX_REMOTE_KEY_VAULT"] = key
    let pushed = try repo.mlx("push", environment: environment)
    #expect(pushed.succeeded, "\(pushed)")
    let keys = try S3TestServer.shared.keys(in: bucket)
    #expect(keys.contains("sealed/packs/keycheck"), "\(keys)")
    #expect(!keys.contains { $0.contains("pack-") }, "\(keys)")
    let clone = try TestRepository(cloning: repo)
    defer { clone.remove() }
    let pulled = try clone.mlx("pull", environment: environment)
    #expect(pulled.succeeded, "\(pulled)")
    #expect(try clone.sha256sum("data/big.bin") == (try repo.sha256sum("data/big.bin")))
  }
}
