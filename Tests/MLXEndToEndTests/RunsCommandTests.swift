import Foundation
import MLXTestSupport
import Testing

/// A one-stage pipeline whose model and metric depend on `train.lr`.
private func trainingRepository() throws -> TestRepository {
  let repo = try TestRepository()
  try repo.git("config", "user.name", "Ada Lovelace")
  try repo.git("config", "user.email", "ada@example.com")
  try repo.mlx("init")
  try repo.write("x\n", to: "data.txt")
  try repo.write("train:\n  lr: 0.1\n", to: "params.yaml")
  try repo.write(
    """
    stages:
      train:
        cmd: |
          echo "model $MLX_PARAM_TRAIN_LR" > model.bin && printf '{"acc": %s}' "$MLX_PARAM_TRAIN_LR" > metrics.json
        deps: [data.txt]
        params: [train.lr]
        outs:
          - model.bin: {kind: model}
        metrics: [metrics.json]
        role: train
    """, to: "mlx.yaml")
  try repo.git("add", "-A")
  try repo.git("commit", "-qm", "pipeline")
  return repo
}

@Suite struct RunsCommandTests {
  @Test func runRecordsAreGitCommitsWithEveryField() throws {
    let repo = try trainingRepository()
    defer { repo.remove() }
    let head = try repo.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    let result = try repo.mlx("train", "--json")
    #expect(result.succeeded, "\(result)")
    let id = try #require(try result.json()["run_id"] as? String)
    try repo.write("train:\n  lr: 0.2\n", to: "params.yaml")
    #expect(try repo.mlx("train").succeeded)

    let refs = try repo.git("for-each-ref", "--format=%(refname) %(objecttype)", "refs/mlx/runs")
      .split(separator: "\n")
    #expect(refs.count == 2)
    #expect(refs.allSatisfy { $0.hasSuffix(" commit") })
    #expect(refs.contains { $0.hasPrefix("refs/mlx/runs/\(id) ") })

    let commit = try repo.git("cat-file", "-p", "refs/mlx/runs/\(id)")
    #expect(commit.contains("parent \(head)"))
    #expect(commit.contains("author Ada Lovelace <ada@example.com>"))
    #expect(commit.contains("Run-Id: \(id)"))
    #expect(commit.contains("Dirty: false"))

    let json = try repo.git("show", "refs/mlx/runs/\(id):run.json")
    let record = try #require(
      try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    for field in [
      "id", "stages", "user", "platform", "started_at", "ended_at", "duration_seconds",
      "exit_status", "code", "params", "metrics", "mlx_version", "command",
    ] {
      #expect(record[field] != nil, "missing \(field)")
    }
    #expect(record["id"] as? String == id)
    let recordCode = try #require(record["code"] as? [String: Any])
    #expect(recordCode["commit"] as? String == head)
    #expect(recordCode["dirty"] as? Bool == false)
    let user = try #require(record["user"] as? [String: String])
    #expect(user == ["name": "Ada Lovelace", "email": "ada@example.com"])
    let platform = try #require(record["platform"] as? [String: String])
    #expect(platform["host"]?.isEmpty == false && platform["os"] == "Linux")
    let stages = try #require(record["stages"] as? [[String: Any]])
    let train = try #require(stages.first)
    #expect(train["status"] as? String == "ran")
    let deps = try #require(train["deps"] as? [[String: Any]])
    #expect(deps.first?["digest"] as? String == (try repo.sha256sum("data.txt")))
    let outs = try #require(train["outs"] as? [[String: Any]])
    #expect(outs.contains { $0["path"] as? String == "model.bin" })
    #expect((record["metrics"] as? [String: [String: Double]])?["metrics.json"]?["acc"] == 0.1)
    #expect((record["params"] as? [String: [String: Double]])?["params.yaml"]?["train.lr"] == 0.1)

    // The second run started with params.yaml edited: recorded by value, so still clean.
    let second = try #require(try repo.mlx("runs", "--json").json()["runs"] as? [[String: Any]])
    #expect((second.first?["code"] as? [String: Any])?["dirty"] as? Bool == false)

    // A tracked file no stage declares, changed and not committed: the run's code is unknown.
    try repo.write("notes\n", to: "helper.sh")
    try repo.git("add", "helper.sh", "params.yaml")
    try repo.git("commit", "-qm", "helper")
    try repo.write("changed\n", to: "helper.sh")
    #expect(try repo.mlx("train", "--force").succeeded)
    let third = try #require(try repo.mlx("runs", "--json").json()["runs"] as? [[String: Any]])
    let code = try #require(third.first?["code"] as? [String: Any])
    #expect(code["dirty"] as? Bool == true)
    #expect(code["uncommitted"] as? [String] == ["helper.sh"])
  }

  @Test func listsShowsComparesAndFilters() throws {
    let repo = try trainingRepository()
    defer { repo.remove() }
    let first = try #require(try repo.mlx("train", "--json").json()["run_id"] as? String)
    try repo.write("train:\n  lr: 0.3\n", to: "params.yaml")
    let second = try #require(try repo.mlx("train", "--json").json()["run_id"] as? String)

    let list = try repo.mlx("runs")
    #expect(list.succeeded)
    let lines = list.stdout.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[1].hasPrefix(second) && lines[2].hasPrefix(first), "newest first")
    #expect(lines[1].contains("train.lr=0.3") && lines[1].contains("acc=0.3"))
    #expect(try repo.mlx("runs", "list", "--stage", "nope").stdout.contains("No runs"))

    let show = try repo.mlx("runs", "show", String(first.suffix(8)))
    #expect(show.succeeded, "\(show)")
    #expect(show.stdout.contains("Run \(first): ok"))
    #expect(show.stdout.contains("user      Ada Lovelace <ada@example.com>"))

    let compare = try repo.mlx("runs", "compare", first, second)
    #expect(compare.stdout.contains("*param   train.lr  0.1"))
    #expect(compare.stdout.contains("*metric  acc"))

    let unknown = try repo.mlx("runs", "show", "nonexistent")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.contains("no run 'nonexistent'"))
  }

  @Test func applyRestoresParamsAndOutputs() throws {
    let repo = try trainingRepository()
    defer { repo.remove() }
    let first = try #require(try repo.mlx("train", "--json").json()["run_id"] as? String)
    let model = try repo.read("model.bin")
    try repo.write("train:\n  lr: 0.9\n", to: "params.yaml")
    #expect(try repo.mlx("train").succeeded)
    #expect(try repo.read("model.bin") != model)

    let apply = try repo.mlx("runs", "apply", first)
    #expect(apply.succeeded, "\(apply)")
    #expect(try repo.read("params.yaml") == "train:\n  lr: 0.1\n")
    #expect(try repo.read("model.bin") == model)
    #expect(try repo.read("metrics.json") == "{\"acc\": 0.1}")
    let after = try repo.mlx("train")
    #expect(after.stdout.contains("Skipping 'train': up to date"), "\(after)")
  }

  @Test func metricsAndParamsDiffCompareCommitsRunsAndTheWorkTree() throws {
    let repo = try trainingRepository()
    defer { repo.remove() }
    let first = try #require(try repo.mlx("train", "--json").json()["run_id"] as? String)
    try repo.git("add", "-A")
    try repo.git("commit", "-qm", "first model")
    try repo.write("train:\n  lr: 0.25\n", to: "params.yaml")
    #expect(try repo.mlx("train").succeeded)

    let metrics = try repo.mlx("metrics", "diff", "--json")
    #expect(metrics.succeeded, "\(metrics)")
    let changes = try #require(try metrics.json()["changes"] as? [[String: Any]])
    #expect(changes.count == 1)
    #expect(changes[0]["key"] as? String == "acc")
    #expect(changes[0]["old"] as? Double == 0.1)
    #expect(changes[0]["new"] as? Double == 0.25)
    #expect(abs((changes[0]["change"] as? Double ?? 0) - 0.15) < 1e-9)

    let params = try repo.mlx("params", "diff", first)
    #expect(params.stdout.contains("train.lr"))
    #expect(params.stdout.contains("0.1") && params.stdout.contains("0.25"))
    #expect(try repo.mlx("params", "diff", "HEAD", first).stdout.contains("No differences"))
    #expect(try repo.mlx("metrics", "diff", "nope").stderr.contains("unknown revision 'nope'"))
  }
}
