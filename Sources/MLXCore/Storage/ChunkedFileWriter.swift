internal import CLinuxShims
import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Writes a chunked file's content into an open file, checking every chunk on every core.
///
/// Workers take chunks in file order and check each against its id where it lies in the pack,
/// mapped into memory (a compressed chunk is first decompressed into a pooled buffer). One
/// serial writer then copies each checked chunk to its offset in the file: writes to one file
/// take its inode lock, so several writers would only wait on each other. Writes go through
/// the page cache, as a plain copy does, so a checkout does not wait for the disk. So each
/// byte is hashed once and copied once. A failed chunk stops every worker; the caller
/// discards the file.
struct ChunkedFileWriter {
  /// Chunks asked of the kernel ahead of the workers, so they rarely wait for the disk.
  private static let readAhead = 32

  let store: ObjectStore
  let recipe: ChunkRecipe

  /// Writes the whole content at offset 0 of `descriptor`, which names a new, empty file.
  func write(to descriptor: Int32, displayPath: String) throws {
    let chunks = recipe.chunks
    var total: Int64 = 0
    let offsets = chunks.map { chunk in
      defer { total += Int64(chunk.length) }
      return total
    }
    // The length set first lets chunks land in any order without extending the file, and
    // reserving the blocks up front fails at once on a full disk and spares the file system
    // a reservation per page.
    if total > 0, CLinuxShims_preallocate(descriptor, total) != 0 {
      guard errno == EOPNOTSUPP || errno == ENOSYS || errno == EINVAL else {
        throw SystemError.last("write", path: displayPath)
      }
    }
    guard ftruncate(descriptor, off_t(total)) == 0 else {
      throw SystemError.last("write", path: displayPath)
    }
    store.prefetch(chunks.prefix(2 * Self.readAhead).map(\.id))

    let workers = min(chunks.count, max(2, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    let claims = ChunkClaims(count: chunks.count)
    let writer = SerialFileWriter(descriptor: descriptor, path: displayPath)
    let buffers = BufferPool(capacity: 2 * workers, size: Chunker.maximumSize)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      while !writer.hasFailed, let index = claims.next() {
        if index % Self.readAhead == 0 {
          let ahead = chunks[
            min(
              chunks.count, index + 2 * Self.readAhead)..<min(
                chunks.count, index + 3 * Self.readAhead)]
          store.prefetch(ahead.map(\.id))
        }
        claims.record {
          try check(chunks[index], at: offsets[index], buffers: buffers, writer: writer)
        }
      }
    }
    try writer.finish()
    try claims.rethrow()
  }

  /// Checks one chunk and queues it for writing at `offset`.
  private func check(
    _ chunk: ChunkRecipe.Chunk, at offset: Int64, buffers: BufferPool, writer: SerialFileWriter
  ) throws {
    guard let (entry, pack) = store.locate(chunk.id) else {
      throw ObjectStoreError.missing(chunk.id)
    }
    guard entry.kind == .blob, entry.contentLength == UInt64(chunk.length),
      entry.contentLength <= ObjectStore.largestObjectInMemory
    else {
      throw ObjectStoreError.corrupt(
        chunk.id, pack: pack, reason: "its length does not match the file's recipe")
    }
    let stored = try store.mappedStoredBytes(entry, pack: pack)
    var bytes = stored
    var buffer: UnsafeMutableRawBufferPointer?
    if entry.encoding == .zstd {
      let taken = buffers.take(atLeast: chunk.length)
      buffer = taken
      bytes = UnsafeRawBufferPointer(rebasing: taken[0..<chunk.length])
      do {
        try store.decompress(
          stored, of: entry, pack: pack,
          into: UnsafeMutableRawBufferPointer(mutating: bytes))
      } catch {
        buffers.give(taken)
        throw error
      }
    }
    guard ObjectID(hashing: bytes) == chunk.id else {
      if let buffer { buffers.give(buffer) }
      throw ObjectStoreError.corrupt(
        chunk.id, pack: pack, reason: "content does not match its digest")
    }
    let pooled = buffer.map { UncheckedSendable($0) }
    writer.write(BorrowedBytes(bytes), at: offset) {
      if let pooled { buffers.give(pooled.value) }
    }
  }
}

/// Hands out chunk indexes in order until every chunk is taken or one has failed.
private final class ChunkClaims: @unchecked Sendable {
  private let lock = Mutex()
  private let count: Int
  private var taken = 0
  private var failure: Error?

  init(count: Int) { self.count = count }

  func next() -> Int? {
    lock.withLock {
      guard failure == nil, taken < count else { return nil }
      defer { taken += 1 }
      return taken
    }
  }

  func record(_ body: () throws -> Void) {
    do {
      try body()
    } catch {
      lock.withLock { if failure == nil { failure = error } }
    }
  }

  func rethrow() throws {
    if let failure = lock.withLock({ failure }) { throw failure }
  }
}

/// Writes byte ranges to one file, one at a time, on a queue of its own.
private final class SerialFileWriter: @unchecked Sendable {
  private let queue = DispatchQueue(label: "mlx.chunked-file-writer")
  private let group = DispatchGroup()
  private let descriptor: Int32
  private let path: String
  private let lock = Mutex()
  private var failure: Error?

  init(descriptor: Int32, path: String) {
    self.descriptor = descriptor
    self.path = path
  }

  var hasFailed: Bool { lock.withLock { failure != nil } }

  /// Queues a write; `done` runs once the bytes are written (or skipped after a failure).
  func write(
    _ bytes: BorrowedBytes, at offset: Int64, then done: @escaping @Sendable () -> Void
  ) {
    queue.async(group: group) { [self] in
      defer { done() }
      guard !hasFailed else { return }
      do {
        try FileSystem.writeFully(descriptor, bytes.buffer, at: offset, path: path)
      } catch {
        lock.withLock { if failure == nil { failure = error } }
      }
    }
  }

  /// Waits for every queued write; throws the first failure.
  func finish() throws {
    group.wait()
    if let failure = lock.withLock({ failure }) { throw failure }
  }
}

/// Buffers for decompressed chunks, made on first use and reused; `take` waits while all of
/// them are queued for writing, which bounds the memory a checkout holds.
private final class BufferPool: @unchecked Sendable {
  private let lock = Mutex()
  private let available: DispatchSemaphore
  private let size: Int
  private var free: [UnsafeMutableRawBufferPointer] = []
  private var made: [UnsafeMutableRawBufferPointer] = []

  init(capacity: Int, size: Int) {
    self.size = size
    // Created at 0 and signalled: libdispatch traps when a semaphore is freed below its
    // initial value.
    available = DispatchSemaphore(value: 0)
    for _ in 0..<capacity { available.signal() }
  }

  deinit { made.forEach { $0.deallocate() } }

  /// A buffer of at least `count` bytes (a larger one than usual for an unusual chunk).
  func take(atLeast count: Int) -> UnsafeMutableRawBufferPointer {
    available.wait()
    return lock.withLock {
      if let index = free.firstIndex(where: { $0.count >= count }) {
        return free.remove(at: index)
      }
      let buffer = UnsafeMutableRawBufferPointer.allocate(
        byteCount: max(size, count), alignment: 64)
      made.append(buffer)
      return buffer
    }
  }

  func give(_ buffer: UnsafeMutableRawBufferPointer) {
    lock.withLock { free.append(buffer) }
    available.signal()
  }
}
