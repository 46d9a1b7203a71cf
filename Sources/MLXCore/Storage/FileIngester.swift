#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif
import Dispatch
import SystemPackage

/// What storing one file produced.
struct StoredFile: Sendable {
  /// SHA-256 of the whole file: what `sha256sum` prints.
  var digest: ObjectID
  var size: Int64
  var isExecutable: Bool
  /// The file's status when it was read, for the stat cache.
  var status: FileStatus
}

/// Stores files in the object store: hashes them, cuts large ones into content-defined chunks,
/// compresses what pays, and appends new objects to a ``PackWriter``.
///
/// A large file is read in 16 MiB segments through two buffers. While one segment is cut into
/// chunks and its chunks are hashed and compressed on every core, a second thread hashes the
/// segment into the whole-file SHA-256, so the file is read once and both cores stay busy.
final class FileIngester: Sendable {
  /// Files smaller than this are one object, with no chunking.
  static let chunkingThreshold = Chunker.minimumSize
  private static let segmentSize = 16 << 20

  let writer: PackWriter
  let codecs: ZstdContextPool
  /// The zstd level for new objects; nil stores everything raw.
  let compressionLevel: Int32?
  let progress: ProgressReporter

  init(
    writer: PackWriter, codecs: ZstdContextPool, compressionLevel: Int32?,
    progress: ProgressReporter
  ) {
    self.writer = writer
    self.codecs = codecs
    self.compressionLevel = compressionLevel
    self.progress = progress
  }

  /// Stores the regular file at `path` (absolute); `displayPath` names it in errors.
  func store(path: String, displayPath: String) throws -> StoredFile {
    let descriptor = try FileSystem.open(path, .readOnly, options: [.noFollow])
    defer { try? descriptor.close() }
    let status = try FileStatus.of(descriptor: descriptor.rawValue, path: displayPath)
    guard status.kind == .regular else {
      throw SystemError("read", path: displayPath, code: EISDIR)
    }
    let (digest, size) =
      status.size < Self.chunkingThreshold
      ? try storeWhole(descriptor, displayPath: displayPath)
      : try storeChunked(descriptor, displayPath: displayPath)
    return StoredFile(digest: digest, size: size, isExecutable: status.isExecutable, status: status)
  }

  /// Stores in-memory content (a manifest) as one blob; returns its id.
  func storeBlob(_ bytes: [UInt8]) throws -> ObjectID {
    try bytes.withUnsafeBytes { raw in
      let id = ObjectID(hashing: raw)
      try append(id, kind: .blob, raw: raw)
      return id
    }
  }

  // MARK: - Small files

  private func storeWhole(
    _ descriptor: FileDescriptor,
    displayPath: String
  ) throws -> (ObjectID, Int64) {
    var bytes = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: Self.chunkingThreshold)
    while true {
      let count = try Errno.wrap("read", path: displayPath) {
        try buffer.withUnsafeMutableBytes { try descriptor.read(into: $0) }
      }
      if count == 0 { break }
      bytes.append(contentsOf: buffer[0..<count])
    }
    let id = try storeBlob(bytes)
    progress.advance(by: Int64(bytes.count))
    return (id, Int64(bytes.count))
  }

  // MARK: - Large files

  private func storeChunked(
    _ descriptor: FileDescriptor,
    displayPath: String
  ) throws -> (ObjectID, Int64) {
    let capacity = Self.segmentSize + Chunker.maximumSize
    let buffers = (0..<2).map { _ in
      UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 64)
    }
    let hasher = PipelinedHasher()
    defer {
      hasher.drain()
      buffers.forEach { $0.deallocate() }
    }

    var chunks: [ChunkRecipe.Chunk] = []
    var total: Int64 = 0
    var carry = 0
    var previous: UnsafeMutableRawBufferPointer?
    var previousFilled = 0
    for turn in 0... {
      let buffer = buffers[turn % 2]
      hasher.reserve(slot: turn % 2)
      if let previous, carry > 0 {
        memmove(buffer.baseAddress!, previous.baseAddress! + previousFilled - carry, carry)
      }
      let fresh = try readFully(
        descriptor, into: UnsafeMutableRawBufferPointer(
          rebasing: buffer[carry..<(carry + Self.segmentSize)]), displayPath: displayPath)
      let filled = carry + fresh
      let isFinal = fresh < Self.segmentSize
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[carry..<filled]), slot: turn % 2)
      total += Int64(fresh)

      let segment = UnsafeRawBufferPointer(rebasing: buffer[0..<filled])
      let cuts = Chunker.cuts(in: segment, isFinal: isFinal)
      chunks += try storeChunks(of: segment, cuts: cuts)
      progress.advance(by: Int64(fresh))
      carry = filled - (cuts.last ?? 0)
      previous = buffer
      previousFilled = filled
      if isFinal { break }
    }
    let digest = hasher.finalize()
    if chunks.count == 1 {
      // A file that makes a single chunk is stored as a plain blob under its own digest.
      return (chunks[0].id, total)
    }
    let recipe = ChunkRecipe(chunks: chunks).encoded
    _ = try recipe.withUnsafeBytes {
      try writer.append(digest, kind: .chunked, raw: $0, compressed: nil)
    }
    return (digest, total)
  }

  /// Hashes, compresses and appends the chunks ending at `cuts`, on all cores.
  private func storeChunks(
    of segment: UnsafeRawBufferPointer,
    cuts: [Int]
  ) throws -> [ChunkRecipe.Chunk] {
    let results = ConcurrentResults<ChunkRecipe.Chunk>(count: cuts.count)
    let shared = BorrowedBytes(segment)
    DispatchQueue.concurrentPerform(iterations: cuts.count) { position in
      let start = position == 0 ? 0 : cuts[position - 1]
      let chunk = UnsafeRawBufferPointer(rebasing: shared.buffer[start..<cuts[position]])
      results.record(position) {
        let id = ObjectID(hashing: chunk)
        try append(id, kind: .blob, raw: chunk)
        return ChunkRecipe.Chunk(id: id, length: chunk.count)
      }
    }
    return try results.values()
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

  // MARK: - Compression

  /// Appends an object unless present, compressed when that saves at least a tenth.
  private func append(_ id: ObjectID, kind: ObjectKind, raw: UnsafeRawBufferPointer) throws {
    if writer.contains(id) { return }
    guard let level = compressionLevel, raw.count >= 64, isWorthCompressing(raw, level: level)
    else {
      try writer.append(id, kind: kind, raw: raw, compressed: nil)
      return
    }
    let bound = ZstdContextPool.compressBound(raw.count)
    let frame = UnsafeMutableRawBufferPointer.allocate(byteCount: bound, alignment: 16)
    defer { frame.deallocate() }
    let size = codecs.withCompressor { $0.compress(raw, level: level, into: frame) }
    if let size, size * 10 < raw.count * 9 {
      try writer.append(
        id, kind: kind, raw: raw, compressed: UnsafeRawBufferPointer(rebasing: frame[0..<size]))
    } else {
      try writer.append(id, kind: kind, raw: raw, compressed: nil)
    }
  }

  /// For large objects, compresses a 64 KiB sample first so random data costs almost nothing.
  private func isWorthCompressing(_ raw: UnsafeRawBufferPointer, level: Int32) -> Bool {
    let sampleSize = 64 << 10
    guard raw.count > 2 * sampleSize else { return true }
    let sample = UnsafeRawBufferPointer(rebasing: raw[0..<sampleSize])
    let frame = UnsafeMutableRawBufferPointer.allocate(
      byteCount: ZstdContextPool.compressBound(sampleSize), alignment: 16)
    defer { frame.deallocate() }
    guard let size = codecs.withCompressor({ $0.compress(sample, level: level, into: frame) })
    else { return false }
    return size * 10 < sampleSize * 9
  }
}

/// Feeds buffers to one SHA-256 on a background thread, in order.
///
/// The producer calls ``reserve(slot:)`` before refilling a buffer: it waits until the hash
/// of that buffer's previous contents is done.
private final class PipelinedHasher: @unchecked Sendable {
  private let queue = DispatchQueue(label: "mlx.whole-file-hash")
  private var hasher = ContentHasher()
  private let slots = [DispatchSemaphore(value: 1), DispatchSemaphore(value: 1)]

  func reserve(slot: Int) { slots[slot].wait() }

  func update(_ bytes: UnsafeRawBufferPointer, slot: Int) {
    let shared = BorrowedBytes(bytes)
    queue.async { [self] in
      hasher.update(shared.buffer)
      slots[slot].signal()
    }
  }

  func finalize() -> ObjectID { queue.sync { hasher.finalize() } }

  /// Waits for pending work, so buffers can be freed.
  func drain() { queue.sync {} }
}

/// Results of a `concurrentPerform`, one slot per iteration, and the first error thrown.
final class ConcurrentResults<Value>: @unchecked Sendable {
  private let lock = Mutex()
  private var slots: [Value?]
  private var firstError: Error?

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func record(_ position: Int, _ body: () throws -> Value) {
    do {
      let value = try body()
      lock.withLock { slots[position] = value }
    } catch {
      lock.withLock { if firstError == nil { firstError = error } }
    }
  }

  /// The values in order, or the first error any iteration threw.
  func values() throws -> [Value] {
    try lock.withLock {
      if let firstError { throw firstError }
      return slots.map { $0! }
    }
  }
}
