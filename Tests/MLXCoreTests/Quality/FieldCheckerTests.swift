import Testing

@testable import MLXCore

/// Enum checks find exactly the listed values, whether they are short enough to be packed in
/// an integer and searched, or compared byte by byte.
@Suite struct FieldCheckerTests {
  static func extra(_ values: [String]) throws -> FieldChecker.Extra {
    let list = values.map { "'\($0)'" }.joined(separator: ", ")
    let schema = try TableSchema(
      parsing: "fields:\n  - {name: a, type: string, constraints: {enum: [\(list)]}}",
      path: "s.yaml")
    return FieldChecker.Extra(schema.fields[0])
  }

  static func isListed(_ cell: String, in extra: FieldChecker.Extra) -> Bool {
    Array(cell.utf8).withUnsafeBytes { extra.check($0, value: .text) } == nil
  }

  @Test(arguments: [
    ["DE", "FR", "", "seven77", "ü"],
    ["DE", "FR", "", "seven77", "ü", "eight888"],
  ])
  func exactlyTheListedValuesPass(values: [String]) throws {
    let extra = try Self.extra(values)
    #expect((extra.packedTextValues != nil) == values.allSatisfy { $0.utf8.count < 8 })
    for value in values { #expect(Self.isListed(value, in: extra), "\(value)") }
    for other in ["D", "DEX", "de", "seven7", "seven777", "eight88", "ü ", "\u{0}", "FR\u{0}"] {
      #expect(!Self.isListed(other, in: extra), "\(other)")
    }
  }
}
