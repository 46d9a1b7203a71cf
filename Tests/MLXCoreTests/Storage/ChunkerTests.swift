import Foundation
import MLXTestSupport
import Testing

@testable import MLXCore

@Suite struct ChunkerTests {
  private func chunks(_ data: Data) -> [Data] {
    data.withUnsafeBytes { raw in
      var start = 0
      return Chunker.cuts(in: raw, isFinal: true).map { end in
        defer { start = end }
        return Data(raw[start..<end])
      }
    }
  }

  @Test func respectsSizeBoundsAndCoversTheInput() {
    let data = pseudoRandomBytes(count: 20 << 20, seed: 1)
    let pieces = chunks(data)
    #expect(pieces.reduce(Data(), +) == data)
    for piece in pieces.dropLast() {
      #expect(piece.count >= Chunker.minimumSize && piece.count <= Chunker.maximumSize)
    }
    let average = data.count / pieces.count
    #expect(average > 600 << 10 && average < 2 << 20, "average chunk \(average)")
  }

  @Test func anEditInTheMiddleChangesOnlyNearbyChunks() {
    let original = pseudoRandomBytes(count: 16 << 20, seed: 2)
    var edited = original
    edited.insert(contentsOf: Data(repeating: 7, count: 1000), at: 8 << 20)
    let before = Set(chunks(original))
    let after = chunks(edited)
    let fresh = after.filter { !before.contains($0) }
    #expect(fresh.count <= 2, "\(fresh.count) new chunks")
    #expect(fresh.reduce(0) { $0 + $1.count } <= 2 * Chunker.maximumSize)
  }

  @Test func incompleteDataWaitsForMore() {
    let data = pseudoRandomBytes(count: Chunker.minimumSize - 1, seed: 3)
    data.withUnsafeBytes { raw in
      #expect(Chunker.firstCut(in: raw, isFinal: false) == nil)
      #expect(Chunker.firstCut(in: raw, isFinal: true) == raw.count)
    }
  }

  @Test func gearTableIsStable() {
    // Part of the storage format: changing it changes every chunk id.
    #expect(Chunker.gear.count == 256)
    #expect(Set(Chunker.gear).count == 256)
    #expect(String(Chunker.gear[0], radix: 16) == String(Chunker.gear[0], radix: 16))
  }
}
