import Testing

@testable import MLXCore

/// Table Schema patterns match whole cells, Unicode-aware, as Python's `re.fullmatch` (the
/// pandera reference) does.
@Suite struct TextPatternTests {
  @Test func aPatternMustMatchTheWholeCell() throws {
    let email = try TextPattern("[a-z0-9._]+@[a-z0-9.-]+\\.[a-z]{2,}")
    #expect(email.matches("user1.5@mail.example.org"))
    #expect(!email.matches("user1.5@mail.example.org "))
    #expect(!email.matches("x user1@example.org"))
    #expect(!email.matches("user1@example"))
    #expect(!email.matches(""))
  }

  @Test func alternativesAndBacktrackingReachTheEnd() throws {
    // The first alternative matches a prefix only; the whole-cell match takes the second.
    let pattern = try TextPattern("a|ab")
    #expect(pattern.matches("ab"))
    #expect(pattern.matches("a"))
    #expect(!pattern.matches("abc"))
    #expect(try TextPattern("(a+)+b").matches("aaaab"))
  }

  @Test func longCellsMatchBeyondTheJITStack() throws {
    let pattern = try TextPattern("(a|b)*c")
    let long = String(repeating: "ab", count: 200_000)
    // Booleans first, so that a failure does not print 400,000 characters.
    let (ending, notEnding) = (pattern.matches(long + "c"), pattern.matches(long + "d"))
    #expect(ending)
    #expect(!notEnding)
  }

  /// A pattern that backtracks without end gives up at its step limit (``TextPattern/
  /// stepsPerCell``): the cell fails it; the same pattern still matches what it can decide.
  @Test func runawayBacktrackingFailsTheCell() throws {
    let pattern = try TextPattern("(a|a)+")
    #expect(!pattern.matches(String(repeating: "a", count: 28) + "!"))
    #expect(pattern.matches(String(repeating: "a", count: 28)))
  }

  @Test func emptyCellsMatchOnlyPatternsThatAllowThem() throws {
    #expect(try TextPattern("x*").matches(""))
    #expect(!(try TextPattern("x+").matches("")))
    #expect(try TextPattern("").matches(""))
    #expect(try TextPattern("x*").matches(UnsafeRawBufferPointer(start: nil, count: 0)))
  }

  @Test func classesAreUnicodeAware() throws {
    let word = try TextPattern("\\w+")
    #expect(word.matches("Zürich"))
    #expect(word.matches("東京"))
    #expect(try TextPattern("\\d{3}").matches("١٢٣"))  // Arabic-Indic digits, as in Python
    #expect(try TextPattern("..").matches("é😀"))  // a dot is a code point, not a byte
  }

  @Test func bytesThatAreNotUTF8DoNotMatch() throws {
    let bytes: [UInt8] = [0x61, 0xFF, 0x62]
    let pattern = try TextPattern(".*")
    #expect(!bytes.withUnsafeBytes { pattern.matches($0) })
  }

  @Test func aBadPatternSaysWhereItStopped() {
    #expect(throws: TextPattern.SyntaxError(message: "missing closing parenthesis", offset: 4)) {
      try TextPattern("(abc")
    }
    #expect(throws: TextPattern.SyntaxError.self) { try TextPattern("a{2,1}") }
    #expect(throws: TextPattern.SyntaxError.self) { try TextPattern("\\") }
  }
}
