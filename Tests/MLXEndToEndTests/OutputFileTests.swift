import Foundation
import MLXTestSupport
import Testing

/// A file named with `-o`/`--output`/`--html` that is a character device (as `/dev/null` is)
/// is written into, never replaced by a file: run as root, a rename over `/dev/null` would
/// remove it for everyone. `mlx get`, which writes a file in the output's place, refuses it.
/// Each case uses a private null device made with `mknod`, which needs root (as CI runs).
@Suite(.enabled(if: getuid() == 0, "mknod needs root"))
struct OutputFileTests {
  static func repository(device makeDevice: Bool = true) throws -> (
    TestRepository, device: String
  ) {
    let repo = try TestRepository()
    #expect(try repo.mlx("init").succeeded)
    try repo.write("a,b\n1,x\n2,y\n3,x\n", to: "data.csv")
    #expect(try repo.mlx("add", "data.csv").succeeded)
    try repo.commitAll("data")
    let device = repo.directory("null")
    if makeDevice {
      #expect(try repo.run("mknod", "-m", "666", device, "c", "1", "3").succeeded)
    }
    return (repo, device)
  }

  static func isCharacterDevice(_ path: String) throws -> Bool {
    let type = try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType
    return type == .typeCharacterSpecial
  }

  @Test(arguments: [
    ["schema", "infer", "data.csv", "-o", "DEVICE"],
    ["report", "drift", "data.csv@HEAD", "data.csv", "-o", "DEVICE"],
    ["report", "runs", "-o", "DEVICE"],
    ["lineage", "data.csv", "--output", "DEVICE.json"],
    ["audit", "report", "--html", "DEVICE"],
  ])
  func aDeviceIsWrittenIntoNotReplaced(arguments: [String]) throws {
    let (repo, device) = try Self.repository()
    defer { repo.remove() }
    if arguments.contains("DEVICE.json") {
      #expect(try repo.run("mknod", "-m", "666", device + ".json", "c", "1", "3").succeeded)
    }
    let result = try repo.mlx(
      arguments.map { $0.replacingOccurrences(of: "DEVICE", with: device) })
    #expect(result.succeeded, "\(result)")
    #expect(try Self.isCharacterDevice(device))
    if arguments.contains("DEVICE.json") { #expect(try Self.isCharacterDevice(device + ".json")) }
  }

  @Test func getRefusesADeviceEvenWithForce() throws {
    let (repo, device) = try Self.repository()
    defer { repo.remove() }
    let result = try repo.mlx("get", "data.csv", "-o", device, "--force")
    #expect(result.status == 1)
    #expect(
      result.errorLines == [
        "Error: \(device) is a device, pipe or socket: mlx get writes a file (or a directory) "
          + "in its place, so it is refused even with --force; choose another -o"
      ], "\(result)")
    #expect(try Self.isCharacterDevice(device))
  }
}

/// A report or schema is never written into `.git` or `.mlx`, however the path is spelled.
@Suite struct OutputPathTests {
  @Test(arguments: [
    (["report", "drift", "data.csv@HEAD", "data.csv", "-o", ".git/config"], ".git/config"),
    (["schema", "infer", "data.csv", "-o", ".mlx/config.yaml"], ".mlx/config.yaml"),
    (["audit", "report", "--html", "sub/../.MLX/policy.yaml"], "sub/../.MLX/policy.yaml"),
  ])
  func metadataIsNeverAnOutput(arguments: [String], shown: String) throws {
    let (repo, _) = try OutputFileTests.repository(device: false)
    defer { repo.remove() }
    try repo.write("x\n", to: "sub/keep")
    let before = try [".git/config", ".mlx/config.yaml"].map { try repo.read($0) }
    let result = try repo.mlx(arguments)
    #expect(result.status == 1)
    #expect(
      result.errorLines.last?.hasSuffix(
        "\(shown) is inside .git or .mlx, which only Git and mlx write; choose another path")
        == true, "\(result)")
    #expect(try [".git/config", ".mlx/config.yaml"].map { try repo.read($0) } == before)
  }
}
