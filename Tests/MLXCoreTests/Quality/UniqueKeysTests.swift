import Testing

@testable import MLXCore

/// Repeated keys are found whether they fall in a dense range (bitmap) or not (sorting).
@Suite struct UniqueKeysTests {
  @Test func denseIntegerKeysUseTheBitmapAndFindEveryRepeat() {
    let first: [UInt64] = (-500..<500).map { UInt64(bitPattern: Int64($0)) }
    let second: [UInt64] = [7, UInt64(bitPattern: -3), 7, 499].map { $0 }
    #expect(UniqueKeys.repeated(in: [first, second]) == [7, UInt64(bitPattern: -3), 499])
    #expect(UniqueKeys.repeated(in: [first]).isEmpty)
  }

  @Test func sparseKeysAreSortedAndMerged() {
    var generator = SystemRandomNumberGenerator()
    let keys = (0..<10_000).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
    let lists = [Array(keys[0..<4000]), Array(keys[4000...]), [keys[12], keys[9_999]]]
    #expect(UniqueKeys.repeated(in: lists) == [keys[12], keys[9_999]])
    #expect(UniqueKeys.repeated(in: [keys]).isEmpty)
    #expect(UniqueKeys.repeated(in: [[], [5]]).isEmpty)
  }

  @Test func integerCellsKeyByValueOthersByHash() {
    func key(_ text: String, integer: Bool) -> UInt64 {
      Array(text.utf8).withUnsafeBytes { UniqueKeys.key(of: $0, integerField: integer) }
    }
    #expect(key("42", integer: true) == 42)
    #expect(key("-1", integer: true) == UInt64(bitPattern: -1))
    #expect(key("abc", integer: true) == key("abc", integer: false))
    #expect(key("42", integer: false) != 42)
  }
}
