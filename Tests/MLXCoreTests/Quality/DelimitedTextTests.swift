import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

/// RFC 4180 records, and cutting a file into pieces that read exactly as one.
@Suite struct DelimitedTextTests {
  private func records(_ text: String, tsv: Bool = false) -> [[String]] {
    let bytes = Array(text.utf8)
    return bytes.withUnsafeBytes { raw in
      let reader = DelimitedText(
        bytes: raw, delimiter: UInt8(ascii: tsv ? "\t" : ","), quoting: !tsv)
      var result: [[String]] = []
      var position = 0
      var fields: [DelimitedText.Field] = []
      while position < raw.count {
        var problem: DelimitedText.Problem?
        position = reader.readRecord(at: position, into: &fields, problem: &problem)
        if !fields.isEmpty {
          result.append(fields.map { String(decoding: reader.value(of: $0), as: UTF8.self) })
        }
      }
      return result
    }
  }

  @Test func rfc4180Records() {
    #expect(records("a,b\n1,2\n") == [["a", "b"], ["1", "2"]])
    #expect(records("a,b\r\n1,2\r\n") == [["a", "b"], ["1", "2"]])
    #expect(records("a,b\n1,2") == [["a", "b"], ["1", "2"]])
    #expect(records("\"x, y\",\"he said \"\"hi\"\"\"\n") == [["x, y", "he said \"hi\""]])
    #expect(records("\"two\nlines\",z\n") == [["two\nlines", "z"]])
    #expect(records("\"two\r\nlines\",z\r\n") == [["two\r\nlines", "z"]])
    #expect(records(",\n") == [["", ""]])
    #expect(records("a\n\n\nb\n") == [["a"], ["b"]])
    #expect(records("\"\"\n") == [[""]])
    #expect(records("a\t\"b\"\n", tsv: true) == [["a", "\"b\""]])
  }

  @Test func unquotedFieldsOfEveryLengthAroundAWord() {
    // Fields of 0 to 20 bytes, bytes with the high bit set (UTF-8) and bytes one off the
    // delimiter or line feed around them: each ends at the first delimiter or line feed.
    for length in 0...20 {
      let field = String(
        (0..<length).map { ["é", "+", "-", "\u{0B}", "\t", "x"][$0 % 6] }.joined())
      let row = [field, "a", field + field, ""]
      let rows = [row, row.reversed()]
      let text = rows.map { $0.joined(separator: ",") }.joined(separator: "\n")
      #expect(records(text) == rows)
      #expect(records(text + "\r\n") == rows)
      let tab = rows.map { $0.map { $0.replacingOccurrences(of: "\t", with: ",") } }
      #expect(
        records(tab.map { $0.joined(separator: "\t") }.joined(separator: "\n"), tsv: true) == tab)
    }
  }

  @Test func problemsAreReported() {
    let bytes = Array("\"open,1\n2,3\n".utf8)
    bytes.withUnsafeBytes { raw in
      let reader = DelimitedText(bytes: raw, delimiter: UInt8(ascii: ","), quoting: true)
      var fields: [DelimitedText.Field] = []
      var problem: DelimitedText.Problem?
      #expect(reader.readRecord(at: 0, into: &fields, problem: &problem) == raw.count)
      #expect(problem == .unterminatedQuote)
    }
    let after = Array("\"a\"b,c\n".utf8)
    after.withUnsafeBytes { raw in
      let reader = DelimitedText(bytes: raw, delimiter: UInt8(ascii: ","), quoting: true)
      var fields: [DelimitedText.Field] = []
      var problem: DelimitedText.Problem?
      _ = reader.readRecord(at: 0, into: &fields, problem: &problem)
      #expect(problem == .textAfterQuote)
      #expect(fields.count == 2)
    }
  }

  /// A file of several MiB whose quoted fields hold line breaks and quotes: the pieces it is
  /// cut into start at record boundaries, whatever the number of pieces.
  @Test(arguments: [2, 3, 8, 17])
  func cutsFallOnRecordBoundaries(pieces: Int) {
    var text = "id,note\n"
    var expected: [[String]] = [["id", "note"]]
    var generator = SystemRandomNumberGenerator()
    for row in 0..<60_000 {
      let kind = Int.random(in: 0..<5, using: &generator)
      let note =
        kind == 0 ? "line one\nline \"two\"\nthree" : kind == 1 ? "a, b" : "plain \(row)"
      let written =
        kind < 2 ? "\"" + note.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : note
      text += "\(row),\(written)\n"
      expected.append(["\(row)", note])
    }
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { raw in
      let reader = DelimitedText(bytes: raw, delimiter: UInt8(ascii: ","), quoting: true)
      let cuts = reader.cuts(of: 0..<raw.count, count: pieces)
      #expect(cuts.count == pieces)
      var read: [[String]] = []
      var fields: [DelimitedText.Field] = []
      for (index, cut) in cuts.enumerated() {
        let end = index + 1 < cuts.count ? cuts[index + 1] : raw.count
        var position = cut
        while position < end {
          var problem: DelimitedText.Problem?
          position = reader.readRecord(at: position, into: &fields, problem: &problem)
          #expect(problem == nil)
          read.append(fields.map { String(decoding: reader.value(of: $0), as: UTF8.self) })
        }
        #expect(position == end, "piece \(index) ends at \(position), the next starts at \(end)")
      }
      #expect(read == expected)
    }
  }

  /// Quotes are counted in any range, at its edges too, as a plain count does.
  @Test func quotesAreCountedInEveryRange() {
    let bytes = Array("\"a\",\"\"b\"\n,,\"".utf8) + [UInt8](repeating: 0x61, count: 300) + [0x22]
    bytes.withUnsafeBytes { raw in
      let reader = DelimitedText(bytes: raw, delimiter: UInt8(ascii: ","), quoting: true)
      for start in 0...bytes.count {
        for end in start...bytes.count {
          let plain = bytes[start..<end].filter { $0 == 0x22 }.count
          #expect(reader.quoteCount(in: start..<end) == plain)
        }
      }
    }
  }

  /// Unquoted fields of every length, with bytes on either side of the delimiter and line
  /// break in value (0x2B, 0x2D, 0x09, 0x0B, 0xAC, 0x8A, a carriage return), split as a plain
  /// byte-by-byte reading splits them: the eight-bytes-at-a-time scan finds the same ends.
  @Test(arguments: [UInt8(ascii: ","), UInt8(ascii: "\t")])
  func unquotedFieldsEndWhereAPlainScanEnds(delimiter: UInt8) {
    var generator = SeededGenerator(state: UInt64(delimiter))
    let alphabet: [UInt8] = [0x61, 0x2B, 0x2D, 0x09, 0x0B, 0xAC, 0x8A, 0x0D, 0x2C, 0x00, 0xFF]
      .filter { $0 != delimiter && $0 != 0x0D }
    var expected: [[[UInt8]]] = []
    var bytes: [UInt8] = []
    for _ in 0..<2_000 {
      let fields = (0..<Int.random(in: 1...6, using: &generator)).map { _ in
        (0..<Int.random(in: 0...19, using: &generator)).map { _ in
          alphabet.randomElement(using: &generator)!
        }
      }
      // A first field that is empty makes an empty line, which is skipped as a record.
      guard fields.count > 1 || !fields[0].isEmpty else { continue }
      expected.append(fields)
      bytes += Array(fields.joined(separator: [delimiter])) + [0x0A]
    }
    bytes.withUnsafeBytes { raw in
      let reader = DelimitedText(bytes: raw, delimiter: delimiter, quoting: false)
      var read: [[[UInt8]]] = []
      var fields: [DelimitedText.Field] = []
      var position = 0
      while position < raw.count {
        var problem: DelimitedText.Problem?
        position = reader.readRecord(at: position, into: &fields, problem: &problem)
        read.append(fields.map { reader.value(of: $0) })
      }
      #expect(read == expected)
    }
  }
}
