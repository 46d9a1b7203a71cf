import Dispatch
import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

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
/// compresses what the ``CompressionPolicy`` asks for and pays, and appends new objects to a
/// ``PackWriter``.
///
/// Large files go through a ``ChunkPipeline``, which reads them once and keeps every core busy.
final class FileIngester: Sendable {
  /// Files smaller than this are one object, with no chunking.
  static let chunkingThreshold = Chunker.minimumSize

  let writer: PackWriter
  let codecs: ZstdContextPool
  let compression: CompressionPolicy
  let progress: ProgressReporter

  init(
    writer: PackWriter, codecs: ZstdContextPool, compression: CompressionPolicy,
    progress: ProgressReporter
  ) {
    self.writer = writer
    self.codecs = codecs
    self.compression = compression
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
      ? try storeWhole(descriptor, expectedSize: status.size, displayPath: displayPath)
      : try storeChunked(descriptor, displayPath: displayPath)
    return StoredFile(digest: digest, size: size, isExecutable: status.isExecutable, status: status)
  }

  /// Stores in-memory content (a manifest) as one blob; returns its id.
  func storeBlob(_ bytes: [UInt8]) throws -> ObjectID {
    try bytes.withUnsafeBytes { raw in
      let id = ObjectID(hashing: raw)
      try append(id, kind: .blob, raw: raw, level: compression.level(isChunk: false))
      return id
    }
  }

  // MARK: - Small files

  private func storeWhole(
    _ descriptor: FileDescriptor,
    expectedSize: Int64,
    displayPath: String
  ) throws -> (ObjectID, Int64) {
    // One byte more than expected, to notice a file that grew since it was stat'ed.
    var bytes = [UInt8](repeating: 0, count: Int(expectedSize) + 1)
    var count = 0
    while true {
      if count == bytes.count { bytes += [UInt8](repeating: 0, count: bytes.count) }
      let read = try Errno.wrap("read", path: displayPath) {
        try bytes.withUnsafeMutableBytes {
          try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...]))
        }
      }
      if read == 0 { break }
      count += read
    }
    bytes.removeSubrange(count...)
    let id = try storeBlob(bytes)
    progress.advance(by: Int64(count))
    return (id, Int64(count))
  }

  // MARK: - Large files

  private func storeChunked(
    _ descriptor: FileDescriptor,
    displayPath: String
  ) throws -> (ObjectID, Int64) {
    let level = compression.level(isChunk: true)
    let pipeline = ChunkPipeline(progress: progress) { [self] id, chunk in
      try append(id, kind: .blob, raw: chunk, level: level)
    }
    let result = try pipeline.run(descriptor, displayPath: displayPath)
    if result.chunks.count == 1 {
      // A file that makes a single chunk is stored as a plain blob under its own digest.
      return (result.digest, result.size)
    }
    let recipe = ChunkRecipe(chunks: result.chunks).encoded
    _ = try recipe.withUnsafeBytes {
      try writer.append(result.digest, kind: .chunked, raw: $0, compressed: nil)
    }
    return (result.digest, result.size)
  }

  // MARK: - Compression

  /// Appends an object unless present, compressed at `level` when that saves at least a tenth.
  private func append(
    _ id: ObjectID, kind: ObjectKind, raw: UnsafeRawBufferPointer, level: Int32?
  ) throws {
    if writer.contains(id) { return }
    guard let level, raw.count >= 64 else {
      try writer.append(id, kind: kind, raw: raw, compressed: nil)
      return
    }
    try codecs.withCompressor { compressor in
      var frame: UnsafeRawBufferPointer?
      if isWorthCompressing(raw, level: level, compressor: compressor) {
        frame = compressor.compress(raw, level: level).flatMap {
          $0.count * 10 < raw.count * 9 ? $0 : nil
        }
      }
      try writer.append(id, kind: kind, raw: raw, compressed: frame)
    }
  }

  /// For large objects, compresses a 64 KiB sample first so random data costs almost nothing.
  private func isWorthCompressing(
    _ raw: UnsafeRawBufferPointer,
    level: Int32,
    compressor: ZstdCompressor
  ) -> Bool {
    let sampleSize = 64 << 10
    guard raw.count > 2 * sampleSize else { return true }
    let sample = UnsafeRawBufferPointer(rebasing: raw[0..<sampleSize])
    guard let frame = compressor.compress(sample, level: level) else { return false }
    return frame.count * 10 < sampleSize * 9
  }
}
