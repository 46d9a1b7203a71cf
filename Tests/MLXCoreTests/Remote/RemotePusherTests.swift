import Foundation
import Testing

@testable import MLXCore

@Suite struct RemotePusherTests {
  private func located(_ storedLengths: [UInt64]) -> RemotePusher.Located {
    storedLengths.enumerated().map { position, length in
      let entry = PackEntry(
        id: ObjectID(hashing: [UInt8(position)]), offset: 0, storedLength: length,
        rawLength: length, kind: .blob, encoding: .raw)
      return (entry, "pack-local")
    }
  }

  /// Objects are cut, in order, into packs whose whole length (16-byte header, 56 bytes per
  /// record) stays under the limit; an object larger than the limit gets a pack of its own.
  @Test func splitKeepsOrderAndEachPackUnderTheLimit() {
    let objects = located([400, 400, 100, 1000, 10, 10])
    let runs = RemotePusher.split(objects, limit: 1000)
    #expect(runs.map { $0.map(\.entry.storedLength) } == [[400, 400], [100], [1000], [10, 10]])
    #expect(runs.flatMap { $0.map(\.entry.id) } == objects.map(\.entry.id))
    for run in runs where run.count > 1 {
      #expect(run.reduce(16) { $0 + 56 + Int($1.entry.storedLength) } <= 1000)
    }
    // Exactly at the limit still fits: 16 + 2 × (56 + 436) = 1000.
    #expect(RemotePusher.split(located([436, 436]), limit: 1000).count == 1)
    #expect(RemotePusher.split(located([436, 437]), limit: 1000).count == 2)
  }

  @Test func withoutALimitEverythingIsOnePack() {
    let objects = located([1 << 30, 5, 7])
    #expect(RemotePusher.split(objects, limit: nil).map(\.count) == [3])
    #expect(RemotePusher.split([], limit: 100).isEmpty)
  }
}
