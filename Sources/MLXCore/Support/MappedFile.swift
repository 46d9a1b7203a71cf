#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A file mapped read-only into memory, unmapped when released.
///
/// Readers that stream through it call ``release(_:)`` on what they are done with, so the
/// process's resident memory stays bounded however large the file (the pages stay in the
/// page cache for the next reader).
final class MappedFile: @unchecked Sendable {
  let bytes: UnsafeRawBufferPointer
  let path: String

  /// Maps the regular file at `path` (an empty file maps to no bytes). Anything else is
  /// refused: opened without blocking, so a FIFO never waits for a writer.
  init(path: String) throws {
    let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError.last("open", path: path) }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw SystemError.last("stat", path: path) }
    guard status.st_mode & S_IFMT == S_IFREG else {
      throw SystemError(
        "read", path: path, code: status.st_mode & S_IFMT == S_IFDIR ? EISDIR : EINVAL)
    }
    self.path = path
    let length = Int(status.st_size)
    guard length > 0 else {
      bytes = UnsafeRawBufferPointer(start: nil, count: 0)
      return
    }
    guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0), base != MAP_FAILED
    else { throw SystemError.last("map", path: path) }
    madvise(base, length, MADV_SEQUENTIAL)
    bytes = UnsafeRawBufferPointer(start: base, count: length)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
  }

  /// Drops the pages of `range` from this process's memory (whole pages inside it only);
  /// reading them again brings them back from the page cache.
  func release(_ range: Range<Int>) {
    guard let base = bytes.baseAddress else { return }
    let page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let start = (range.lowerBound + page - 1) / page * page
    let end = range.upperBound == bytes.count ? bytes.count : range.upperBound / page * page
    guard end > start else { return }
    madvise(UnsafeMutableRawPointer(mutating: base + start), end - start, MADV_DONTNEED)
  }
}
