internal import CZstd

/// A zstd compression context; owns its `ZSTD_CCtx` and frees it in `deinit`.
///
/// A context is used by one thread at a time; ``ZstdContextPool`` hands them out.
final class ZstdCompressor {
  private let context: OpaquePointer
  /// Reused output buffer, so compressing many chunks does not map fresh memory each time.
  private var scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 0, alignment: 16)

  init() {
    guard let context = ZSTD_createCCtx() else { fatalError("ZSTD_createCCtx: out of memory") }
    self.context = context
  }

  deinit {
    ZSTD_freeCCtx(context)
    scratch.deallocate()
  }

  /// Compresses `source` into this compressor's own buffer; the result is valid until the
  /// next call. Nil when zstd fails.
  func compress(_ source: UnsafeRawBufferPointer, level: Int32) -> UnsafeRawBufferPointer? {
    let bound = ZSTD_compressBound(source.count)
    if scratch.count < bound {
      scratch.deallocate()
      scratch = .allocate(byteCount: bound, alignment: 16)
    }
    guard let size = compress(source, level: level, into: scratch) else { return nil }
    return UnsafeRawBufferPointer(rebasing: scratch[0..<size])
  }

  /// Compresses `source` at `level` into `destination`; nil if the frame would not fit, which
  /// callers use to mean "not worth storing compressed".
  func compress(
    _ source: UnsafeRawBufferPointer,
    level: Int32,
    into destination: UnsafeMutableRawBufferPointer
  ) -> Int? {
    let written = ZSTD_compressCCtx(
      context, destination.baseAddress, destination.count, source.baseAddress, source.count,
      level)
    return ZSTD_isError(written) != 0 ? nil : written
  }
}

/// A zstd decompression context; owns its `ZSTD_DCtx` and frees it in `deinit`.
final class ZstdDecompressor {
  private let context: OpaquePointer

  init() {
    guard let context = ZSTD_createDCtx() else { fatalError("ZSTD_createDCtx: out of memory") }
    self.context = context
  }

  deinit { ZSTD_freeDCtx(context) }

  /// Decompresses one frame whose content is exactly `destination.count` bytes.
  /// - Throws: a message from zstd when the frame is damaged or has another size.
  func decompress(
    _ source: UnsafeRawBufferPointer,
    into destination: UnsafeMutableRawBufferPointer
  ) throws(ZstdError) {
    let written = ZSTD_decompressDCtx(
      context, destination.baseAddress, destination.count, source.baseAddress, source.count)
    if ZSTD_isError(written) != 0 {
      throw ZstdError(message: String(cString: ZSTD_getErrorName(written)))
    }
    guard written == destination.count else {
      throw ZstdError(message: "frame holds \(written) bytes, expected \(destination.count)")
    }
  }
}

/// A failure inside zstd, with zstd's own message.
struct ZstdError: Error {
  let message: String
}

/// Hands zstd contexts to worker threads and takes them back, so each thread reuses one.
final class ZstdContextPool: @unchecked Sendable {
  private let lock = Mutex()
  private var compressors: [ZstdCompressor] = []
  private var decompressors: [ZstdDecompressor] = []

  func withCompressor<T>(_ body: (ZstdCompressor) throws -> T) rethrows -> T {
    let compressor = lock.withLock { compressors.popLast() } ?? ZstdCompressor()
    defer { lock.withLock { compressors.append(compressor) } }
    return try body(compressor)
  }

  func withDecompressor<T>(_ body: (ZstdDecompressor) throws -> T) rethrows -> T {
    let decompressor = lock.withLock { decompressors.popLast() } ?? ZstdDecompressor()
    defer { lock.withLock { decompressors.append(decompressor) } }
    return try body(decompressor)
  }

  /// The largest frame zstd can produce for `size` input bytes.
  static func compressBound(_ size: Int) -> Int { ZSTD_compressBound(size) }
}
