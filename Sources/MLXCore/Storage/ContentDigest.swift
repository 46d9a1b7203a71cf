import SystemPackage

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Hashes a file without storing it (for `status` and `checkout`'s checks).
enum ContentDigest {
  /// The SHA-256 of the regular file at `path`, and its status when read.
  static func ofFile(at path: String, displayPath: String) throws -> (ObjectID, FileStatus) {
    let descriptor = try FileSystem.open(path, .readOnly, options: [.noFollow])
    defer { try? descriptor.close() }
    let status = try FileStatus.of(descriptor: descriptor.rawValue, path: displayPath)
    var hasher = ContentHasher()
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
    defer { buffer.deallocate() }
    while true {
      let count = try Errno.wrap("read", path: displayPath) { try descriptor.read(into: buffer) }
      if count == 0 { break }
      hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }
    return (hasher.finalize(), status)
  }
}
