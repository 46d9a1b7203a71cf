import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// Validation counts every failing row once per check, numbers rows across pieces, and
/// agrees with a plain count made here.
@Suite struct TableValidatorTests {
  static let schemaText = """
    fields:
      - name: id
        type: integer
        constraints: {required: true, unique: true, minimum: 1}
      - name: plan
        type: string
        constraints: {enum: [free, pro, team]}
      - name: score
        type: number
        constraints: {maximum: 100}
        maxMissingFraction: 0.0005
      - name: day
        type: date
      - name: note
        type: string
        constraints: {maxLength: 12}
    rows: {minimum: 10}
    """

  @Test func aLargeFileIsCountedExactly() throws {
    try withTemporaryDirectory { directory in
      var text = "id,plan,score,day,note\n"
      var expected: [String: [Int]] = [:]
      for row in 1...80_000 {
        var id = "\(row)"
        var plan = ["free", "pro", "team"][row % 3]
        var score = "\(Double(row % 100) / 2)"
        var day = "2024-01-\(String(format: "%02d", row % 28 + 1))"
        var note = row % 7 == 0 ? "\"multi\nline\"" : "n\(row % 1000)"
        if row % 1_000 == 0 { id = "x\(row)"; expected["id:type", default: []].append(row) }
        if row % 1_500 == 0 { plan = "gold"; expected["plan:enum", default: []].append(row) }
        if row % 2_000 == 0 { score = "250"; expected["score:maximum", default: []].append(row) }
        if row % 999 == 0 { score = ""; expected["score:missing", default: []].append(row) }
        if row % 3_333 == 0 { day = "2024-02-30"; expected["day:type", default: []].append(row) }
        if row % 4_444 == 0 {
          note = "\"far too long, \"\"quoted\"\"\"";
          expected["note:maxLength", default: []].append(row)
        }
        if row == 50_001 { id = "7"; expected["id:unique", default: []].append(row) }
        text += "\(id),\(plan),\(score),\(day),\(note)\n"
      }
      try directory.write(text, to: "t.csv")
      let schema = try TableSchema(parsing: Self.schemaText, path: "s.yaml")
      let report = try TableValidator(schema: schema, schemaPath: "s.yaml")
        .validate(absolutePath: directory("t.csv"), displayPath: "t.csv")
      #expect(report.rows == 80_000)
      func failure(_ field: String, _ check: String) -> ValidationFailure? {
        report.failures.first { $0.field == field && $0.check == check }
      }
      for (key, rows) in expected where !key.hasSuffix("missing") {
        let parts = key.split(separator: ":").map(String.init)
        let found = try #require(failure(parts[0], parts[1]), "\(key)")
        #expect(found.rows == rows.count, "\(key)")
        #expect(found.examples.map(\.row) == Array(rows.prefix(5)), "\(key)")
      }
      // 80 of 80,000 missing scores is more than 0.05%.
      let missing = try #require(failure("score", "maxMissingFraction"))
      #expect(missing.rows == expected["score:missing"]!.count)
      #expect(failure("note", "maxLength")?.examples.first?.value == "far too long, \"quoted\"")
      #expect(report.failures.count == expected.count)
    }
  }

  @Test func headerProblemsAndRowShapes() throws {
    try withTemporaryDirectory { directory in
      try directory.write("id,extra\n1,a\n2\n3,b,c\n\"4,x\n", to: "t.csv")
      let schema = try TableSchema(parsing: Self.schemaText, path: "s.yaml")
      let report = try TableValidator(schema: schema, schemaPath: "s.yaml")
        .validate(absolutePath: directory("t.csv"), displayPath: "t.csv")
      let checks = report.failures.map { "\($0.field ?? "-"):\($0.check)" }
      #expect(checks.contains("plan:missing-column"))
      #expect(checks.contains("extra:extra-column"))
      #expect(checks.contains("-:rows"))
      let shape = try #require(report.failures.first { $0.check == "field-count" })
      #expect(shape.examples.map(\.row) == [2, 3, 4])
      #expect(report.failures.contains { $0.check == "quoting" && $0.examples.first?.row == 4 })
    }
  }

  @Test(arguments: [
    ("fields: []", "s.yaml:1: 'fields' must list at least one field"),
    ("fields:\n  - name: a\n    type: money", "s.yaml:3: field 'a': unknown type 'money'"),
    ("fields:\n  - {name: a}\n  - {name: a}", "s.yaml:3: field 'a' is listed twice"),
    (
      "fields:\n  - name: a\n    type: integer\n    constraints: {minimum: x}",
      "s.yaml:4: field 'a': minimum 'x' is not a integer to compare with"
    ),
    (
      "fields:\n  - name: a\n    constraints: {pattern: '('}",
      "s.yaml:3: field 'a': pattern '(' is not a regular expression "
        + "(missing closing parenthesis at offset 1)"
    ),
    ("fields:\n  - name: a\nprimaryKey: [b]", "s.yaml:3: primaryKey names no field 'b'"),
    (
      "fields:\n  - name: a\n    constraints: {unique: maybe}",
      "s.yaml:3: 'unique' must be true or false"
    ),
    (
      "fields:\n  - name: a\nmaxMissingFraction: 2",
      "s.yaml:3: 'maxMissingFraction' must be a number from 0 to 1"
    ),
    (
      "{\"fields\": [{\"name\": \"a\", \"type\": \"integer\"}], \"colour\": 1}",
      "s.yaml:1: unknown key 'colour'"
    ),
  ])
  func malformedSchemasNameTheLine(text: String, message: String) {
    #expect {
      _ = try TableSchema(parsing: text, path: "s.yaml")
    } throws: { error in
      "\(error)".hasPrefix(message) && !"\(error)".contains("\n")
    }
  }

  @Test func jsonSchemasRead() throws {
    let schema = try TableSchema(
      parsing: """
        {"fields": [{"name": "id", "type": "integer", "constraints": {"required": true}},
                    {"name": "when", "type": "datetime"}],
         "primaryKey": "id", "missingValues": ["", "-"]}
        """, path: "s.json")
    #expect(schema.fields.map(\.type) == [.integer, .datetime])
    #expect(schema.primaryKey == ["id"])
    #expect(schema.missingValues == ["", "-"])
  }
}
