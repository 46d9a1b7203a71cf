/// Which new objects the store compresses, and at what zstd level.
///
/// Small files and manifests are compressed when that saves at least a tenth. The chunks of
/// large files are stored raw unless ``compressesLargeFiles`` is set: at zstd's speed on one
/// core (about 200 MB/s compressing text, 800 MB/s decompressing) compression would be most
/// of the time of an add or a checkout, while hashing and copying a raw chunk run at memory
/// speed. docs/formats.md gives the figures.
struct CompressionPolicy: Sendable, Equatable {
  /// zstd level; nil stores everything raw.
  var level: Int32?
  /// Whether chunks of large files are compressed too.
  var compressesLargeFiles = false

  /// Stores everything raw.
  static let none = CompressionPolicy(level: nil)

  /// The level for an object, or nil to store it raw; `isChunk` for a large file's chunks.
  func level(isChunk: Bool) -> Int32? {
    isChunk && !compressesLargeFiles ? nil : level
  }
}
