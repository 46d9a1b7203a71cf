import Foundation
import MLXTestSupport
import Testing

/// `mlx status` tells the whole story, as `dvc status` does: stale stages next to changed data.
@Suite struct StatusPipelineTests {
  @Test func statusListsStagesThatChangedParamsCodeOrDataMakeStale() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write("a,b\n1,2\n", to: "data.csv")
    try repo.mlx("add", "data.csv")
    try repo.write("train:\n  lr: 0.1\n", to: "params.yaml")
    try repo.write("echo trained\n", to: "train.sh")
    try repo.write(
      "stages:\n  train:\n    cmd: sh train.sh > model.txt\n    deps: [data.csv, train.sh]\n"
        + "    params: [train.lr]\n    outs: [model.txt]\n",
      to: "mlx.yaml")
    #expect(try repo.mlx("run").succeeded)
    try repo.commitAll("trained")
    let clean = try repo.mlx("status", "--json").json()
    #expect((clean["stages"] as? [Any])?.isEmpty == true, "\(clean)")

    for change in ["params", "code", "data"] {
      switch change {
      case "params": try repo.write("train:\n  lr: 0.2\n", to: "params.yaml")
      case "code": try repo.write("echo trained better\n", to: "train.sh")
      default:
        try repo.write("a,b\n3,4\n", to: "data.csv")
        try repo.mlx("add", "data.csv")
      }
      let status = try repo.mlx("status")
      #expect(status.succeeded, "\(change): \(status)")
      #expect(status.stdout.contains("Pipeline stages not up to date"), "\(change): \(status)")
      #expect(status.stdout.contains("    train: "), "\(change): \(status)")
      let stages = try #require(
        try repo.mlx("status", "--json").json()["stages"] as? [[String: Any]])
      #expect(stages.map { $0["name"] as? String } == ["train"], "\(change)")
      #expect(stages.first?["action"] as? String == "run", "\(change)")
      #expect(try repo.mlx("run").succeeded)
      #expect(!(try repo.mlx("status").stdout.contains("Pipeline stages")), "\(change)")
    }

    // A pipeline file that does not parse is named, and the data is still shown.
    try repo.write("stages: [not, a, mapping\n", to: "mlx.yaml")
    let broken = try repo.mlx("status")
    #expect(broken.status == 1)
    #expect(broken.stderr.contains("mlx.yaml"), "\(broken)")
    #expect(broken.stdout.contains("tracked"), "\(broken)")
  }

  @Test func runQuietPrintsOnlyWhatTheCommandsPrint() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(
      "stages:\n  hello:\n    cmd: echo from-the-command; echo x > out.txt\n    outs: [out.txt]\n",
      to: "mlx.yaml")
    let quiet = try repo.mlx("run", "-q")
    #expect(quiet.succeeded, "\(quiet)")
    #expect(quiet.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "from-the-command")
    let again = try repo.mlx("run", "--quiet")
    #expect(again.stdout.isEmpty, "\(again)")
    #expect(try repo.mlx("run").stdout.contains("up to date"))
  }
}
