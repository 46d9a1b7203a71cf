import Foundation
import MLXTestSupport
import Testing

/// A stage's `validate:` inputs are checked before its command runs.
@Suite struct PipelineValidationTests {
  private func repository(validate: String = "[data/train.csv]") throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {unique: true}}\n", to: "s.yaml")
    try repo.write("id\n1\n2\n", to: "data/train.csv")
    try repo.write(
      """
      stages:
        train:
          cmd: mkdir -p models && cat data/train.csv > models/model.bin && echo train >> calls.log
          deps: [data/train.csv]
          validate: \(validate)
          outs:
            - models/model.bin: {kind: model}

      """, to: "mlx.yaml")
    try repo.write("calls.log\n", to: ".gitignore")
    #expect(try repo.mlx("add", "data/train.csv", "--schema", "s.yaml").succeeded)
    try repo.commitAll("pipeline")
    return repo
  }

  @Test func failingValidationStopsTheStageAndIsRecorded() throws {
    let repo = try repository()
    defer { repo.remove() }
    let first = try repo.mlx("run")
    #expect(first.succeeded, "\(first)")
    let lock = try repo.read("mlx.lock")
    let data = try repo.sha256sum("data/train.csv")
    let schema = try repo.sha256sum("s.yaml")
    #expect(
      lock.contains(
        """
            validated:
            - path: data/train.csv
              digest: \(data)
              schema: s.yaml
              schema_digest: \(schema)

        """), "\(lock)")

    // Data edited in place (not added): the stage would run, but its input fails first.
    try repo.write("id\n1\n1\n", to: "data/train.csv")
    // A dry run reads no data: it names the validation a real run makes, then the stage.
    let dry = try repo.mlx("run", "--dry-run")
    #expect(dry.succeeded, "\(dry)")
    #expect(
      dry.stdout.contains("Would validate data/train.csv against s.yaml\nWould run 'train'"),
      "\(dry)")
    let failed = try repo.mlx("run")
    #expect(failed.status == 1, "\(failed)")
    let message =
      "stage 'train' did not run: data/train.csv does not match s.yaml (id: unique: 1 row, "
      + "e.g. row 2 \"1\"); fix the data or the schema and run again"
    #expect(failed.stderr.contains(message), "\(failed)")
    #expect(failed.stdout.contains("  id: unique: 1 row, e.g. row 2 \"1\""), "\(failed)")
    #expect(try repo.read("calls.log") == "train\n", "the command did not run")
    #expect(try repo.read("mlx.lock") == lock, "nothing recorded for the stage")
    let newest = try #require(
      try repo.mlx("runs", "--json").json()["runs"] as? [[String: Any]]
    ).first
    let id = try #require(newest?["id"] as? String)
    let record =
      try JSONSerialization.jsonObject(
        with: Data(try repo.git("show", "refs/mlx/runs/\(id):run.json").utf8)) as? [String: Any]
    let stage = try #require((record?["stages"] as? [[String: Any]])?.first)
    #expect(stage["status"] as? String == "failed")
    #expect(stage["reason"] as? String == message)
    #expect(record?["exit_status"] as? Int == 1)

    // Fixed data runs again; a schema change alone makes the stage validate and run again.
    try repo.write("id\n1\n3\n", to: "data/train.csv")
    #expect(try repo.mlx("run").succeeded)
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {unique: true, minimum: 0}}\n",
      to: "s.yaml")
    let again = try repo.mlx("run")
    #expect(
      again.stdout.contains("Running 'train': schema s.yaml of data/train.csv changed"), "\(again)")
    #expect(try repo.read("calls.log") == "train\ntrain\ntrain\n")
  }

  @Test func aStageMayNameTheSchema() throws {
    let repo = try repository(validate: "\n      - data/train.csv: {schema: other.yaml}")
    defer { repo.remove() }
    try repo.write(
      "fields:\n  - {name: id, type: string, constraints: {maxLength: 0}}\n", to: "other.yaml")
    let failed = try repo.mlx("run")
    #expect(failed.status == 1)
    #expect(
      failed.stderr.contains("data/train.csv does not match other.yaml (id: maxLength 0: 2 rows"),
      "\(failed)")
    #expect(!repo.exists("calls.log"))
  }

  @Test(arguments: [
    ("[data/other.csv]", "validate path 'data/other.csv' must also be listed in deps"),
    ("[{data/train.csv: {schema: .mlx/x.yaml}}]", "is inside a .mlx directory"),
    ("[{data/train.csv: {schema: ../x.yaml}}]", "schema path '../x.yaml' leaves the repository"),
    ("[{data/train.csv: {shema: x.yaml}}]", "unknown key 'shema'"),
  ])
  func badDeclarationsAreOneLineErrors(validate: String, message: String) throws {
    let repo = try repository(validate: validate)
    defer { repo.remove() }
    let result = try repo.mlx("run")
    #expect(result.status == 1)
    #expect(result.errorLines.count == 1, "\(result)")
    #expect(result.stderr.contains(message), "\(result)")
  }
}
