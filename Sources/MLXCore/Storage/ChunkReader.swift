import Dispatch

/// Reads a chunked file's chunks in parallel and hands them to a sink in file order.
///
/// Up to eight chunks are read, decompressed and checked against their ids on the global
/// concurrent queue ahead of the sink, so a checkout uses every core for decompression and
/// hashing while the sink writes.
struct ChunkReader {
  private static let window = 8

  let store: ObjectStore
  let recipe: ChunkRecipe

  /// Calls `sink` with each chunk's bytes, in order; stops at the first missing or corrupt
  /// chunk and throws its error.
  func forEachChunk(_ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
    let chunks = recipe.chunks
    let slots = (0..<Self.window).map { _ in ChunkSlot() }
    let inFlight = DispatchGroup()
    defer { inFlight.wait() }
    let store = self.store

    func start(_ index: Int) {
      guard index < chunks.count else { return }
      if index % Self.window == 0 {
        // Read ahead the next stretch of chunks while these are decompressed.
        let ahead = chunks[
          min(chunks.count, index + Self.window)..<min(chunks.count, index + 4 * Self.window)]
        store.prefetch(ahead.map(\.id))
      }
      let slot = slots[index % Self.window]
      let id = chunks[index].id
      DispatchQueue.global().async(group: inFlight) {
        slot.fill {
          guard let (entry, pack) = store.locate(id) else { throw ObjectStoreError.missing(id) }
          let bytes = try store.readUnverified(entry, pack: pack)
          guard ObjectID(hashing: bytes) == id else {
            throw ObjectStoreError.corrupt(
              id, pack: pack, reason: "content does not match its digest")
          }
          return bytes
        }
      }
    }

    store.prefetch(chunks.prefix(Self.window).map(\.id))
    for index in 0..<min(Self.window, chunks.count) { start(index) }
    for index in chunks.indices {
      let bytes = try slots[index % Self.window].take()
      start(index + Self.window)
      try bytes.withUnsafeBytes { try sink($0) }
    }
  }
}

/// One chunk's bytes (or error), handed from a reading task to the in-order consumer.
private final class ChunkSlot: @unchecked Sendable {
  private let ready = DispatchSemaphore(value: 0)
  private var result: Result<[UInt8], Error>?

  func fill(_ body: () throws -> [UInt8]) {
    result = Result(catching: body)
    ready.signal()
  }

  func take() throws -> [UInt8] {
    ready.wait()
    defer { result = nil }
    return try result!.get()
  }
}
