import Foundation
import MLXTestSupport
import Testing

/// `mlx validate` and `mlx schema infer`, run as a user runs them.
@Suite struct ValidateCommandTests {
  @Test func inferThenTightenThenValidate() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write(
      "id,city,temp,day\n1,Oslo,-3.5,2024-01-02\n2,\"Rio, BR\",31,2024-01-03\n3,Lima,,2024-01-04\n",
      to: "data/weather.csv")
    let inferred = try repo.mlx("schema", "infer", "data/weather.csv", "-o", "weather.schema.yaml")
    #expect(inferred.succeeded, "\(inferred)")
    let schema = try repo.read("weather.schema.yaml")
    #expect(schema.contains("- name: temp\n    type: number\n"), "\(schema)")
    #expect(schema.contains("- name: day\n    type: date\n    constraints: {required: true}"))

    let valid = try repo.mlx("validate", "data/weather.csv", "--schema", "weather.schema.yaml")
    #expect(valid.succeeded, "\(valid)")
    #expect(valid.stdout == "data/weather.csv: 3 rows, valid (weather.schema.yaml)\n")

    // A new batch with a bad day and a missing id fails, with the rows named.
    try repo.write(
      "id,city,temp,day\n4,Kyiv,2,2024-02-30\n,Pune,30,2024-02-01\n", to: "batch.csv")
    let failed = try repo.mlx("validate", "batch.csv", "--schema", "weather.schema.yaml")
    #expect(failed.status == 1, "\(failed)")
    #expect(failed.stdout.contains("id: required: 1 row, e.g. row 2 \"\""), "\(failed)")
    #expect(failed.stdout.contains("day: type date: 1 row, e.g. row 1 \"2024-02-30\""))
    #expect(failed.errorLines == ["mlx: batch.csv does not match weather.schema.yaml"])
    let json = try repo.mlx(
      "validate", "batch.csv", "data", "--schema", "weather.schema.yaml", "--json")
    #expect(json.status == 1)
    let files = try #require(try json.json()["files"] as? [[String: Any]])
    #expect(files.map { $0["path"] as? String } == ["batch.csv", "data/weather.csv"])
    #expect(files.map { $0["valid"] as? Bool } == [false, true])
  }

  @Test(arguments: [
    (
      ["validate", "nowhere.csv", "--schema", "s.yaml"],
      "Error: nowhere.csv: no such file or directory"
    ),
    (
      ["validate", "t.csv", "--schema", "missing.yaml"], "Error: missing.yaml: no such schema file"
    ),
    (["validate", "t.csv"], "Error: t.csv has no schema; give --schema FILE"),
    (
      ["validate", "t.json", "--schema", "s.yaml"],
      "Error: t.json is not a .csv, .tsv, .jsonl or .ndjson file"
    ),
    (
      ["validate", "t.csv", "--schema", "bad.yaml"],
      "Error: bad.yaml:2: field 'a': unknown type 'int'"
    ),
    (["schema", "infer", "empty.csv"], "Error: empty.csv: has no header row"),
  ])
  func badInputGetsAOneLineError(arguments: [String], message: String) throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write("a\n1\n", to: "t.csv")
    try repo.write("{}\n", to: "t.json")
    try repo.write("", to: "empty.csv")
    try repo.write("fields:\n  - {name: a, type: integer}\n", to: "s.yaml")
    try repo.write("fields:\n  - {name: a, type: int}\n", to: "bad.yaml")
    let result = try repo.mlx(arguments)
    #expect(result.status == 1, "\(result)")
    #expect(result.errorLines.count == 1, "\(result)")
    #expect(result.stderr.hasPrefix(message), "\(result)")
  }

  /// A FIFO or a symbolic link named like data is refused at once (a FIFO would block
  /// waiting for a writer), named, with exit 1.
  @Test func specialFilesAreRefusedNotRead() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write("fields:\n  - {name: a, type: integer}\n", to: "s.yaml")
    try repo.write("a\n1\n", to: "real.csv")
    #expect(try repo.run("mkfifo", "pipe.csv").succeeded)
    #expect(try repo.run("ln", "-s", "real.csv", "link.csv").succeeded)
    for name in ["pipe.csv", "link.csv"] {
      let result = try repo.mlx("validate", name, "--schema", "s.yaml")
      #expect(result.status == 1, "\(result)")
      #expect(
        result.errorLines == [
          "Error: \(name): is not a regular file (a symbolic link, FIFO or device); name the file itself"
        ], "\(result)")
    }
    try repo.run("mkdir", "batch")
    try repo.run("mv", "pipe.csv", "batch/")
    let directory = try repo.mlx("validate", "batch", "--schema", "s.yaml")
    #expect(directory.status == 1, "\(directory)")
    #expect(
      directory.errorLines.count == 1 && directory.stderr.contains("pipe.csv"), "\(directory)")
  }
}
