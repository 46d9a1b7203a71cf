import Foundation
import MLXTestSupport
import Testing

/// `mlx validate` of JSON Lines: one object a line, its keys the columns.
@Suite struct JSONLinesValidationTests {
  static let schema = """
    fields:
      - {name: id, type: integer, constraints: {required: true, unique: true}}
      - {name: name, type: string}
      - {name: score, type: number, constraints: {minimum: 0}}
      - {name: active, type: boolean}
      - {name: day, type: date}

    """

  @Test func goodLinesPass() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write(Self.schema, to: "s.yaml")
    try repo.write(
      """
      {"id": 1, "name": "a\\u00e9 \\"q\\"", "score": 0.5, "active": true, "day": "2024-01-02"}
      {"id":2,"score":1e3,"active":false,"day":null}

      {"day": "2024-02-29", "id": 3, "name": "", "score": 0, "active": null}\r

      """, to: "data/a.jsonl")
    let result = try repo.mlx("validate", "data/a.jsonl", "--schema", "s.yaml")
    #expect(result.succeeded, "\(result)")
    #expect(result.stdout == "data/a.jsonl: 3 rows, valid (s.yaml)\n")
    let json = try repo.mlx("validate", "data", "--schema", "s.yaml", "--json")
    let files = try #require(try json.json()["files"] as? [[String: Any]])
    #expect(files.first?["format"] as? String == "jsonl")
    #expect(files.first?["columns"] as? [String] == ["id", "name", "score", "active", "day"])
  }

  @Test func badLinesAreNamedByRowAndColumn() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write(Self.schema, to: "s.yaml")
    try repo.write(
      """
      {"id": 1, "name": "a", "score": 0.5, "active": true, "day": "2024-01-02"}
      {"id": 2, "name": "b", "score": "3", "active": false, "day": "2024-02-30"}
      not json
      {"id": 1, "name": null, "score": -1, "active": 1, "extra": 5}

      {"id": 4.5, "name": ["x"], "score": 2}
      {"name": "no id", "id": 7, "id": 8}
      {"name": "z"}

      """, to: "b.ndjson")
    let result = try repo.mlx("validate", "b.ndjson", "--schema", "s.yaml")
    #expect(result.status == 1, "\(result)")
    #expect(
      result.stdout == """
        b.ndjson: 7 rows, 10 checks failed (s.yaml)
          extra: a key in no field: 1 row, e.g. row 4
          one JSON object on the line: 2 rows, e.g. row 3, row 6
          id: required: 1 row, e.g. row 7
          id: type integer: 1 row, e.g. row 5 "4.5"
          id: unique: 1 row, e.g. row 4 "1"
          name: type string: 1 row, e.g. row 5 "[\\"x\\"]"
          score: minimum 0: 1 row, e.g. row 4 "-1"
          score: type number: 1 row, e.g. row 2 "\\"3\\""
          active: type boolean: 1 row, e.g. row 4 "1"
          day: type date: 1 row, e.g. row 2 "2024-02-30"

        """, "\(result.stdout)")
    #expect(result.errorLines == ["mlx: b.ndjson does not match s.yaml"])
  }

  /// A file of several MiB is read in pieces on all cores: rows are still numbered from the
  /// start, and keys repeated across pieces are found.
  @Test func largeFilesAreReadInPiecesWithExactRowNumbers() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write(
      "fields:\n  - {name: id, type: integer, constraints: {unique: true}}\n"
        + "  - {name: note, type: string}\n", to: "s.yaml")
    var text = ""
    for row in 1...60_000 {
      let id = row == 59_999 ? 7 : row
      text +=
        row == 45_000
        ? "oops\n" : "{\"id\": \(id), \"note\": \"row \(row) with some padding text\"}\n"
    }
    try repo.write(text, to: "big.jsonl")
    let result = try repo.mlx("validate", "big.jsonl", "--schema", "s.yaml")
    #expect(result.status == 1)
    #expect(
      result.stdout == """
        big.jsonl: 60000 rows, 2 checks failed (s.yaml)
          one JSON object on the line: 1 row, e.g. row 45000
          id: unique: 1 row, e.g. row 59999 "7"

        """, "\(result)")
  }

  @Test func trackedJSONLinesAreValidatedOnAdd() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.mlx("init")
    try repo.write(Self.schema, to: "s.yaml")
    try repo.write("{\"id\": 1}\n", to: "d/x.jsonl")
    #expect(try repo.mlx("add", "d", "--schema", "s.yaml").succeeded)
    try repo.write("{\"id\": \"1\"}\n", to: "d/x.jsonl")
    let refused = try repo.mlx("add", "d")
    #expect(refused.status == 1)
    #expect(refused.stdout.contains("d/x.jsonl: 1 row, 1 check failed (s.yaml)"), "\(refused)")
  }

  @Test func inferReadsTheKeysAndTheirKinds() throws {
    let repo = try TestRepository()
    defer { repo.remove() }
    try repo.write(
      """
      {"id": 1, "score": 2, "active": true, "day": "2024-01-02", "tags": ["a"], "n": "7"}
      {"id": 2, "score": 2.5, "active": false, "day": "2024-01-03", "tags": null, "n": "x"}
      {"id": 3, "score": 1e3, "day": "2024-01-04", "tags": {"b": 1}, "late": "2024-01-02T03:04:05Z"}
      not json

      """, to: "x.jsonl")
    let inferred = try repo.mlx("schema", "infer", "x.jsonl", "-o", "x.schema.yaml")
    #expect(inferred.succeeded, "\(inferred)")
    let schema = try repo.read("x.schema.yaml")
    for field in [
      "- name: id\n    type: integer\n    constraints: {required: true}\n",
      "- name: score\n    type: number\n    constraints: {required: true}\n",
      "- name: active\n    type: boolean\n  -",
      "- name: day\n    type: date\n    constraints: {required: true}\n",
      "- name: tags\n    type: any\n  -",
      "- name: \"n\"\n    type: string\n  -",
      "- name: late\n    type: datetime\n",
    ] {
      #expect(schema.contains(field), "\(field) in \(schema)")
    }
    // The data fails only where it is no JSON object.
    let validated = try repo.mlx("validate", "x.jsonl", "--schema", "x.schema.yaml")
    #expect(validated.stdout.contains("x.jsonl: 4 rows, 1 check failed"), "\(validated)")
  }
}
