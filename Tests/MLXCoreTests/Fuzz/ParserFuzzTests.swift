import Foundation
import PropertyBased
import Testing

@testable import MLXCore

/// Every parser of an untrusted file, fed random bytes, mutated valid documents and random
/// YAML trees: each must return a value or throw an error that is one line naming the file.
/// A crash (a Swift trap) stops the test process, so reaching the end is the main check.
@Suite struct ParserFuzzTests {
  /// Inputs per parser and strategy (twice as many mutations); `MLX_FUZZ_COUNT` raises it
  /// for a longer hunt. A failure prints the seed that reproduces it (`.fixedSeed(…)`).
  static let count = Int(ProcessInfo.processInfo.environment["MLX_FUZZ_COUNT"] ?? "") ?? 300

  private func check(_ parser: FuzzedParser, _ bytes: [UInt8]) {
    guard let message = parser.parse(bytes) else { return }
    if let problem = parser.messageProblem(message) {
      Issue.record("\(parser): \(problem): \(message.prefix(300)) (input \(bytes.prefix(200)))")
    }
  }

  @Test func validDocumentsParse() {
    for parser in FuzzedParser.allCases {
      for document in parser.validDocuments {
        #expect(parser.parse(Array(document.utf8)) == nil, "\(parser)")
      }
    }
  }

  @Test(arguments: FuzzedParser.allCases) func randomBytes(_ parser: FuzzedParser) async {
    await propertyCheck(count: Self.count, input: Gen.uint8().array(of: 0...300)) { bytes in
      check(parser, bytes)
    }
  }

  @Test(arguments: FuzzedParser.allCases) func mutatedDocuments(_ parser: FuzzedParser) async {
    let documents = parser.validDocuments.map { Array($0.utf8) }
    let mutation = zip(Gen.int(in: 0...9), Gen.int(in: 0...100_000), Gen.uint8())
      .map { Mutation(kind: $0, position: $1, byte: $2) }
    await propertyCheck(
      count: Self.count * 2, input: Gen.int(in: 0...(documents.count - 1)),
      mutation.array(of: 1...8)
    ) { index, mutations in
      check(parser, mutations.reduce(documents[index]) { $1.applied(to: $0) })
    }
  }

  @Test(arguments: FuzzedParser.allCases) func randomYAMLTrees(_ parser: FuzzedParser) async {
    await propertyCheck(count: Self.count, input: Gen.uint64()) { seed in
      var random = SplitMix(seed: seed)
      let keys = parser.validDocuments.flatMap(YAMLTree.keys(in:))
      let text = YAMLTree.document(keys: keys, random: &random)
      check(parser, Array(text.utf8))
    }
  }
}

/// One edit of a document's bytes.
struct Mutation: Sendable, CustomStringConvertible {
  var kind: Int
  var position: Int
  var byte: UInt8

  /// Bytes with a meaning in YAML, in mlx's files, or to a text decoder.
  static let tokens: [[UInt8]] =
    [
      ": ", "\n", "- ", "[", "]", "{", "}", "\t", "\"", "'", "&a ", "*a", "!!str ", "# ", "|\n",
      ">\n", "---\n", "...\n", "../", "/", ".git/", "\u{FEFF}", "\r\n", "sha256:", "\\", "?",
      "  ", "-1", "99999999999999999999", "null", "~", "yes", "0x1F", ",", "%YAML 1.2\n", "@",
    ].map { Array($0.utf8) } + [[0x00], [0xFF], [0xC3], [0xE2, 0x80], [0x7F]]

  var description: String { "\(kind)@\(position):\(byte)" }

  func applied(to bytes: [UInt8]) -> [UInt8] {
    var bytes = bytes
    let at = bytes.isEmpty ? 0 : position % (bytes.count + 1)
    let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    switch kind {
    case 0 where !bytes.isEmpty: bytes[at % bytes.count] ^= 1 << (byte % 8)
    case 1 where !bytes.isEmpty: bytes[at % bytes.count] = byte
    case 2: bytes.removeSubrange(at...)
    case 3: bytes.insert(byte, at: at)
    case 4, 5: bytes.insert(contentsOf: Self.tokens[Int(byte) % Self.tokens.count], at: at)
    case 6 where !bytes.isEmpty:
      bytes.removeSubrange(at..<min(bytes.count, at + 1 + Int(byte) % 16))
    case 7:
      // Duplicate a line.
      let line = position % lines.count
      var edited = Array(lines)
      edited.insert(lines[line], at: line)
      bytes = Array(edited.joined(separator: [UInt8(ascii: "\n")]))
    case 8:
      // Swap two lines.
      var edited = Array(lines)
      edited.swapAt(position % lines.count, Int(byte) % lines.count)
      bytes = Array(edited.joined(separator: [UInt8(ascii: "\n")]))
    default:
      // Repeat a stretch, which makes long lines and deep nesting.
      let end = min(bytes.count, at + 1 + Int(byte) % 8)
      let stretch = bytes[at..<end]
      for _ in 0..<(Int(byte) % 64) { bytes.insert(contentsOf: stretch, at: at) }
    }
    return bytes
  }
}

/// Random YAML documents built from the keys of valid ones, so parsers see the names they
/// know with values of every shape.
enum YAMLTree {
  static func keys(in document: String) -> [String] {
    document.split(separator: "\n").compactMap { line in
      let trimmed = line.drop { $0 == " " || $0 == "-" }
      guard let colon = trimmed.firstIndex(of: ":") else { return nil }
      let key = trimmed[..<colon]
      return key.isEmpty || key.contains(" ") ? nil : String(key)
    }
  }

  static func document(keys: [String], random: inout SplitMix) -> String {
    var lines: [String] = []
    mapping(keys: keys, depth: 0, indent: "", into: &lines, random: &random)
    return lines.joined(separator: "\n") + (random.next() % 4 == 0 ? "" : "\n")
  }

  private static let scalars = [
    "1", "0", "-1", "2", "1.5", "true", "no", "null", "~", "''", "\"a\\nb\"", "dev", "model",
    "data/x", "../x", "/etc/passwd", ".git/hooks/pre-commit", ".MLX/cache",
    "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "sha256:9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", "sha256:xyz",
    "99999999999999999999", "accuracy >= 0.9", "auc >= current.auc - 0.01", "a >= ", "*x",
    "&x v", "!!binary aGk=", "[a, b]", "{}", "[]", "\"\\u0000\"",
  ]

  private static func scalar(_ keys: [String], _ random: inout SplitMix) -> String {
    random.next() % 3 == 0 && !keys.isEmpty
      ? keys[Int(random.next() % UInt64(keys.count))]
      : scalars[Int(random.next() % UInt64(scalars.count))]
  }

  private static func mapping(
    keys: [String], depth: Int, indent: String, into lines: inout [String],
    random: inout SplitMix
  ) {
    for _ in 0..<(1 + random.next() % 4) {
      let key = keys.isEmpty ? "k" : scalar(keys, &random)
      value(
        key: "\(indent)\(key):", keys: keys, depth: depth, indent: indent, into: &lines,
        random: &random)
    }
  }

  private static func value(
    key: String, keys: [String], depth: Int, indent: String, into lines: inout [String],
    random: inout SplitMix
  ) {
    switch depth > 4 ? 0 : random.next() % 4 {
    case 0: lines.append("\(key) \(scalar(keys, &random))")
    case 1:
      lines.append(key)
      mapping(keys: keys, depth: depth + 1, indent: indent + "  ", into: &lines, random: &random)
    case 2:
      lines.append(key)
      for _ in 0..<(random.next() % 3) {
        value(
          key: "\(indent)  -", keys: keys, depth: depth + 1, indent: indent + "    ",
          into: &lines, random: &random)
      }
    default:
      let items = (0..<(random.next() % 4)).map { _ in scalar(keys, &random) }
      lines.append("\(key) [\(items.joined(separator: ", "))]")
    }
  }
}

/// A small seeded generator (SplitMix64) for building one random document from one seed.
struct SplitMix {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
