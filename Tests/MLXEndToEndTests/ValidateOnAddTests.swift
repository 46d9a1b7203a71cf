import Foundation
import MLXTestSupport
import Testing

/// A pointer that names its schema (`mlx add PATH --schema FILE`): every later add validates
/// the data first, and `mlx validate PATH` uses it.
@Suite struct ValidateOnAddTests {
  private func repository() throws -> TestRepository {
    let repo = try TestRepository()
    try repo.mlx("init")
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {unique: true}}\n"
        + "  - {name: spend, type: number, constraints: {minimum: 0}}\n",
      to: "schemas/train.schema.yaml")
    try repo.write("id,spend\n1,2.5\n2,0\n", to: "data/train.csv")
    return repo
  }

  @Test func recordsTheSchemaAndValidatesEveryLaterAdd() throws {
    let repo = try repository()
    defer { repo.remove() }
    let added = try repo.mlx("add", "data/train.csv", "--schema", "schemas/train.schema.yaml")
    #expect(added.succeeded, "\(added)")
    #expect(
      added.stdout.hasPrefix(
        "Validated data/train.csv against schemas/train.schema.yaml: 2 rows\nAdded data/train.csv"),
      "\(added)")
    let again = try repo.mlx("add", "data/train.csv", "--json").json()
    let validated = try #require(again["validated"] as? [[String: Any]])
    #expect(validated.first?["rows"] as? Int == 2)
    #expect(validated.first?["schema"] as? String == "schemas/train.schema.yaml")
    let pointer = try repo.read("data/train.csv.mlx")
    #expect(pointer.hasSuffix("size: 19\nschema: \"../schemas/train.schema.yaml\"\n"), "\(pointer)")
    #expect(
      try repo.mlx("validate", "data/train.csv").stdout
        == "data/train.csv: 2 rows, valid (schemas/train.schema.yaml)\n")

    // Bad data: the report, exit 1, nothing stored, the pointer and the index untouched.
    try repo.write("id,spend\n1,2.5\n1,-4\n", to: "data/train.csv")
    let objects = try repo.run("find", ".mlx/cache", "-type", "f").stdout
    let index = try repo.git("ls-files", "-s")
    let refused = try repo.mlx("add", "data/train.csv")
    #expect(refused.status == 1, "\(refused)")
    #expect(
      refused.stdout == """
        data/train.csv: 2 rows, 2 checks failed (schemas/train.schema.yaml)
          id: unique: 1 row, e.g. row 2 "1"
          spend: minimum 0: 1 row, e.g. row 2 "-4"

        """, "\(refused)")
    #expect(
      refused.errorLines == [
        "mlx: data/train.csv does not match schemas/train.schema.yaml; nothing was added: "
          + "fix the data (or the schema) and add again"
      ])
    #expect(try repo.read("data/train.csv.mlx") == pointer)
    #expect(try repo.run("find", ".mlx/cache", "-type", "f").stdout == objects)
    #expect(try repo.git("ls-files", "-s") == index)
    let validate = try repo.mlx("validate", "data/train.csv", "--json")
    #expect(validate.status == 1)
    let files = try #require(try validate.json()["files"] as? [[String: Any]])
    #expect(files.first?["schema"] as? String == "schemas/train.schema.yaml")

    // Fixed data is added, and the schema is kept.
    try repo.write("id,spend\n1,2.5\n2,4\n", to: "data/train.csv")
    #expect(try repo.mlx("add", "data/train.csv").succeeded)
    #expect(
      try repo.read("data/train.csv.mlx").hasSuffix("schema: \"../schemas/train.schema.yaml\"\n"))
  }

  @Test func aFailingFirstAddWritesNoPointer() throws {
    let repo = try repository()
    defer { repo.remove() }
    try repo.write("id,spend\nx,1\n", to: "data/train.csv")
    let refused = try repo.mlx(
      "add", "data/train.csv", "--schema", "schemas/train.schema.yaml", "--json")
    #expect(refused.status == 1, "\(refused)")
    let files = try #require(try refused.json()["files"] as? [[String: Any]])
    #expect(files.first?["valid"] as? Bool == false)
    #expect(!repo.exists("data/train.csv.mlx"))
    #expect(!repo.exists("data/.gitignore"))
  }

  @Test func aSchemaOutsideTheRepositoryOrMissingIsRefused() throws {
    let repo = try repository()
    defer { repo.remove() }
    let missing = try repo.mlx("add", "data/train.csv", "--schema", "nope.yaml")
    #expect(missing.status == 1)
    #expect(
      missing.errorLines == [
        "Error: nope.yaml: no such schema file; write one with `mlx schema infer`"
      ], "\(missing)")
    #expect(!repo.exists("data/train.csv.mlx"))

    // A committed pointer whose schema climbs out of the repository is refused, named.
    try repo.mlx("add", "data/train.csv")
    let pointer = try repo.read("data/train.csv.mlx")
    try repo.write(pointer + "schema: ../../outside.yaml\n", to: "data/train.csv.mlx")
    let escaped = try repo.mlx("add", "data/train.csv")
    #expect(escaped.status == 1)
    #expect(
      escaped.stderr.hasPrefix(
        "Error: data/train.csv.mlx: schema '../../outside.yaml' leaves the repository"),
      "\(escaped)")
    let validate = try repo.mlx("validate", "data/train.csv")
    #expect(validate.status == 1)
    #expect(validate.stderr.contains("leaves the repository"), "\(validate)")
    // status says so too, and still shows the artifact.
    let status = try repo.mlx("status")
    #expect(status.status == 1)
    #expect(status.stdout.contains("1 tracked, all unchanged"), "\(status)")
    #expect(
      status.errorLines == [
        "mlx: data/train.csv.mlx: schema '../../outside.yaml' leaves the repository; fix the "
          + "pointer or restore it with `git checkout -- data/train.csv.mlx`"
      ], "\(status)")
  }
}
