import Testing

@testable import MLXCore

/// JSON Lines read into a schema's columns.
@Suite struct JSONLinesTests {
  /// Each line's cells as `kind:value` (value as validation reads it), with the problem.
  private func lines(_ text: String, columns: [String]) -> [([String], DelimitedText.Problem?)] {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { raw in
      var reader = DelimitedText(bytes: raw, delimiter: 0, quoting: false)
      reader.jsonColumns = columns.map { Array($0.utf8) }
      var result: [([String], DelimitedText.Problem?)] = []
      var position = 0
      var fields: [DelimitedText.Field] = []
      while position < raw.count {
        var problem: DelimitedText.Problem?
        position = reader.readRecord(at: position, into: &fields, problem: &problem)
        guard !fields.isEmpty else { continue }
        let cells = fields.map { field in
          var value = ""
          reader.withValue(of: field) { value = String(decoding: $0, as: UTF8.self) }
          return "\(field.kind):\(value)"
        }
        result.append((cells, problem))
      }
      return result
    }
  }

  @Test func readsEachKindIntoItsColumn() {
    let read = lines(
      #"{"b": "x\"y\u00e9\ud83d\ude00\n", "a": -1.5e3, "c": true, "d": null, "e": {"k": "}"}}"#
        + "\r\n\n" + #"{"\u0061": [1, [2]]}"#,
      columns: ["a", "b", "c", "d", "e"])
    #expect(read.count == 2)
    #expect(
      read.first?.0 == [
        "number:-1.5e3", "string:x\"yé😀\n", "literal:true", "null:", "nested:{\"k\": \"}\"}",
      ])
    #expect(read.first?.1 == nil)
    // An escaped key is its text.
    #expect(read.last?.0 == ["nested:[1, [2]]", "absent:", "absent:", "absent:", "absent:"])
  }

  @Test(arguments: [
    "not json", "[1]", "{\"a\": 1", "{\"a\": 1} x", "{\"a\" 1}", "{\"a\": 01x}", "{\"a\": tru}",
    "{\"a\": 1, \"a\": 2}", "{\"a\": \"tab\there\"}", "{a: 1}",
  ])
  func aLineThatIsNotOneObjectIsUnread(line: String) {
    let read = lines(line + "\n{\"a\": 2}\n", columns: ["a"])
    #expect(read.count == 2, "\(line)")
    #expect(read.first?.0 == ["unread:"], "\(line)")
    #expect(read.first?.1 == .notAnObject, "\(line)")
    #expect(read.last?.0 == ["number:2"], "the next line is read: \(line)")
  }

  @Test func anExtraKeyIsNamed() {
    let text = "{\"a\": 1, \"zz\": 2}\n"
    let read = lines(text, columns: ["a"])
    guard case .extraKey(let range) = read.first?.1 else {
      Issue.record("no extra key: \(read)")
      return
    }
    #expect(Array(text.utf8)[range] == Array("zz".utf8)[...])
    #expect(read.first?.0 == ["number:1"])
  }
}
