import CPCRE2

/// A Table Schema `pattern`, compiled once with PCRE2 (and its JIT) and matched against whole
/// cells: the pattern must match all of the cell, as in XML Schema, which Table Schema follows.
///
/// Matching is Unicode-aware (`\d`, `\w` and classes cover non-ASCII letters and digits), as
/// Python's `re` and pandera are. One instance holds its match data, so it is used by one
/// thread at a time: each validation reader compiles its own.
///
/// A pattern that backtracks without end on some text (`(a|a)+` on `aaaa…!`) is given
/// ``stepsPerCell`` backtracking steps plus ``stepsPerByte`` per byte of the cell, then the
/// cell fails it: a hostile schema cannot stall validation (PCRE2's default allows 10 million
/// steps, tens of milliseconds a cell).
final class TextPattern {
  /// A pattern PCRE2 refuses: its message and the offset in the pattern where it stopped.
  struct SyntaxError: Error, Equatable {
    let message: String
    let offset: Int
  }

  let source: String
  private let code: OpaquePointer
  private let matchData: OpaquePointer
  /// Where the step limit of each match is set.
  private let matchContext: OpaquePointer
  static let stepsPerCell = 100_000
  static let stepsPerByte = 100
  /// Whether the pattern matches the empty cell (a buffer without an address).
  private var matchesEmpty = false

  /// Options every pattern is compiled with: UTF-8, Unicode properties, whole-cell matches.
  private static let options = UInt32(PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED | PCRE2_ENDANCHORED)

  init(_ source: String) throws(SyntaxError) {
    self.source = source
    var error: Int32 = 0
    var offset = 0
    let bytes = Array(source.utf8)
    let compiled = bytes.withUnsafeBufferPointer {
      pcre2_compile_8($0.baseAddress, $0.count, Self.options, &error, &offset, nil)
    }
    guard let compiled else {
      throw SyntaxError(message: Self.message(error), offset: offset)
    }
    // Without a JIT (an unsupported CPU) PCRE2's interpreter matches the same way, slower.
    _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
    guard let data = pcre2_match_data_create_from_pattern_8(compiled, nil),
      let context = pcre2_match_context_create_8(nil)
    else {
      pcre2_code_free_8(compiled)
      throw SyntaxError(message: "out of memory compiling the pattern", offset: 0)
    }
    code = compiled
    matchData = data
    matchContext = context
    let empty: [UInt8] = [0]
    matchesEmpty = empty.withUnsafeBufferPointer {
      pcre2_match_8(compiled, $0.baseAddress, 0, 0, 0, data, nil) >= 0
    }
  }

  deinit {
    pcre2_match_context_free_8(matchContext)
    pcre2_match_data_free_8(matchData)
    pcre2_code_free_8(code)
  }

  /// Whether the pattern matches all of `cell` (UTF-8). Bytes that are not UTF-8, and a
  /// match that exceeds PCRE2's limits, do not match.
  @inline(__always)
  func matches(_ cell: UnsafeRawBufferPointer) -> Bool {
    guard let subject = cell.baseAddress, !cell.isEmpty else { return matchesEmpty }
    let bytes = subject.assumingMemoryBound(to: UInt8.self)
    let steps = Self.stepsPerCell + Self.stepsPerByte * min(cell.count, 1 << 24)
    pcre2_set_match_limit_8(matchContext, UInt32(steps))
    let result = pcre2_match_8(code, bytes, cell.count, 0, 0, matchData, matchContext)
    guard result == PCRE2_ERROR_JIT_STACKLIMIT else { return result >= 0 }
    // A long cell can need more stack than the JIT's; the interpreter keeps its own on the heap.
    return pcre2_match_8(
      code, bytes, cell.count, 0, UInt32(PCRE2_NO_JIT), matchData, matchContext) >= 0
  }

  /// Whether the pattern matches all of `text`.
  func matches(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { matches(UnsafeRawBufferPointer($0)) }
  }

  private static func message(_ error: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let count = buffer.withUnsafeMutableBufferPointer {
      pcre2_get_error_message_8(error, $0.baseAddress, $0.count)
    }
    return count > 0 ? String(decoding: buffer[..<Int(count)], as: UTF8.self) : "error \(error)"
  }
}
