import Dispatch
import SystemPackage

/// Reads a large file once and turns it into content-defined chunks while hashing the whole
/// file, keeping every core busy.
///
/// The file is read in 16 MiB segments into a ring of four buffers. For each segment the
/// reading thread finds the chunk boundaries, then hands the segment to a serial queue that
/// feeds the whole-file SHA-256 and hands each chunk to the global concurrent queue, which
/// hashes, compresses and stores it; the reading thread moves straight on to the next
/// segment. A buffer is reused only when every task that reads it has finished. Bytes after
/// the last boundary of a segment are copied to the front of the next one.
final class ChunkPipeline {
  static let segmentSize = 16 << 20
  private static let bufferCount = 4

  /// Stores one chunk (called concurrently).
  typealias ChunkStore = @Sendable (ObjectID, UnsafeRawBufferPointer) throws -> Void

  private let storeChunk: ChunkStore
  private let progress: ProgressReporter

  init(progress: ProgressReporter, storeChunk: @escaping ChunkStore) {
    self.progress = progress
    self.storeChunk = storeChunk
  }

  /// What the pipeline produced for one file.
  struct Result {
    var digest: ObjectID
    var chunks: [ChunkRecipe.Chunk]
    var size: Int64
  }

  func run(_ descriptor: FileDescriptor, displayPath: String) throws -> Result {
    let capacity = Self.segmentSize + Chunker.maximumSize
    let buffers = (0..<Self.bufferCount).map { _ in
      UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
    }
    // Created at 0 and signalled once: libdispatch traps when a semaphore is freed below its
    // initial value.
    let available = buffers.map { _ in DispatchSemaphore(value: 0) }
    available.forEach { $0.signal() }
    let everything = DispatchGroup()
    let hasher = WholeFileHasher()
    let results = ChunkResults()
    defer {
      everything.wait()
      buffers.forEach { $0.deallocate() }
    }

    var total: Int64 = 0
    var carry = 0
    var previous: (buffer: UnsafeMutableRawBufferPointer, filled: Int)?
    for turn in 0... {
      let slot = turn % Self.bufferCount
      let buffer = buffers[slot]
      available[slot].wait()
      if let previous, carry > 0 {
        (buffer.baseAddress!).copyMemory(
          from: previous.buffer.baseAddress! + previous.filled - carry, byteCount: carry)
      }
      let fresh: Int
      do {
        fresh = try readFully(
          descriptor,
          into: UnsafeMutableRawBufferPointer(rebasing: buffer[carry..<(carry + Self.segmentSize)]),
          displayPath: displayPath)
      } catch {
        available[slot].signal()
        throw error
      }
      let filled = carry + fresh
      let isFinal = fresh < Self.segmentSize
      total += Int64(fresh)

      let segment = BorrowedBytes(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
      let cuts = Chunker.cuts(in: segment.buffer, isFinal: isFinal)
      let group = DispatchGroup()
      hasher.update(
        BorrowedBytes(UnsafeRawBufferPointer(rebasing: buffer[carry..<filled])), group: group)
      let first = results.reserve(cuts.count)
      for (position, end) in cuts.enumerated() {
        let start = position == 0 ? 0 : cuts[position - 1]
        DispatchQueue.global().async(group: group) { [storeChunk] in
          let chunk = UnsafeRawBufferPointer(rebasing: segment.buffer[start..<end])
          results.record(first + position) {
            let id = ObjectID(hashing: chunk)
            try storeChunk(id, chunk)
            return ChunkRecipe.Chunk(id: id, length: chunk.count)
          }
        }
      }
      everything.enter()
      group.notify(queue: .global()) {
        available[slot].signal()
        everything.leave()
      }
      progress.advance(by: Int64(fresh))
      carry = filled - (cuts.last ?? 0)
      previous = (buffer, filled)
      if isFinal || results.hasFailed { break }
    }
    everything.wait()
    return Result(digest: hasher.finalize(), chunks: try results.values(), size: total)
  }

  private func readFully(
    _ descriptor: FileDescriptor,
    into buffer: UnsafeMutableRawBufferPointer,
    displayPath: String
  ) throws -> Int {
    var done = 0
    while done < buffer.count {
      let count = try Errno.wrap("read", path: displayPath) {
        try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[done...]))
      }
      if count == 0 { break }
      done += count
    }
    return done
  }
}

/// Feeds segments to one SHA-256 on a serial queue, in order.
private final class WholeFileHasher: @unchecked Sendable {
  private let queue = DispatchQueue(label: "mlx.whole-file-hash")
  private var hasher = ContentHasher()

  func update(_ bytes: BorrowedBytes, group: DispatchGroup) {
    queue.async(group: group) { [self] in hasher.update(bytes.buffer) }
  }

  func finalize() -> ObjectID { queue.sync { hasher.finalize() } }
}

/// Chunk results in file order, filled in by concurrent tasks, and the first error.
private final class ChunkResults: @unchecked Sendable {
  private let lock = Mutex()
  private var chunks: [ChunkRecipe.Chunk?] = []
  private var failure: Error?

  /// Makes room for `count` more chunks; returns the index of the first.
  func reserve(_ count: Int) -> Int {
    lock.withLock {
      defer { chunks += [ChunkRecipe.Chunk?](repeating: nil, count: count) }
      return chunks.count
    }
  }

  func record(_ index: Int, _ body: () throws -> ChunkRecipe.Chunk) {
    do {
      let chunk = try body()
      lock.withLock { chunks[index] = chunk }
    } catch {
      lock.withLock { if failure == nil { failure = error } }
    }
  }

  var hasFailed: Bool { lock.withLock { failure != nil } }

  func values() throws -> [ChunkRecipe.Chunk] {
    try lock.withLock {
      if let failure { throw failure }
      return chunks.map { $0! }
    }
  }
}
