#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The pack files a store reads: a descriptor per pack, opened on first read; a read-only
/// memory mapping per pack, made on first use; and where the packs this process has staged
/// (not yet in `packs/`) are. Closed and unmapped with the store.
final class PackFiles: @unchecked Sendable {
  private let lock = Mutex()
  private let packDirectory: String
  private var descriptors: [String: Int32] = [:]
  private var mappings: [String: UnsafeRawBufferPointer] = [:]
  private var staged: [String: (pack: String, index: String)] = [:]

  init(packDirectory: String) {
    self.packDirectory = packDirectory
  }

  deinit {
    for descriptor in descriptors.values { close(descriptor) }
    for mapping in mappings.values where mapping.count > 0 {
      munmap(UnsafeMutableRawPointer(mutating: mapping.baseAddress), mapping.count)
    }
  }

  /// Where the pack named `pack` is: its staged file, or its place in `packs/`.
  func path(of pack: String) -> String {
    lock.withLock { staged[pack]?.pack } ?? "\(packDirectory)/\(pack).pack"
  }

  func descriptor(_ pack: String) throws -> Int32 {
    let path = path(of: pack)
    return try lock.withLock {
      if let descriptor = descriptors[pack] { return descriptor }
      let descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { throw SystemError.last("open", path: path) }
      descriptors[pack] = descriptor
      return descriptor
    }
  }

  /// Whether the pack can be read, opening it if it was not open: false only when its file
  /// is gone (`mlx gc` removed it after copying what it keeps elsewhere).
  func isReadable(_ pack: String) -> Bool {
    do {
      _ = try descriptor(pack)
      return true
    } catch let error as SystemError {
      return !error.isNotFound
    } catch {
      return true
    }
  }

  /// Whether this process has the pack open (so it stays readable if its file is removed).
  func isOpen(_ pack: String) -> Bool { lock.withLock { descriptors[pack] != nil } }

  /// The whole pack, mapped read-only. Packs are never modified once written, so the mapping
  /// stays valid; callers check ranges against its length.
  func mapping(_ pack: String) throws -> UnsafeRawBufferPointer {
    let descriptor = try descriptor(pack)
    let path = path(of: pack)
    return try lock.withLock {
      if let mapping = mappings[pack] { return mapping }
      var status = stat()
      guard fstat(descriptor, &status) == 0 else { throw SystemError.last("stat", path: path) }
      let length = Int(status.st_size)
      guard length > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
      guard let base = mmap(nil, length, PROT_READ, MAP_SHARED, descriptor, 0),
        base != MAP_FAILED
      else {
        throw SystemError.last("map", path: path)
      }
      let mapping = UnsafeRawBufferPointer(start: base, count: length)
      mappings[pack] = mapping
      return mapping
    }
  }

  // MARK: - Staged packs

  func stage(_ name: String, pack: String, index: String) {
    lock.withLock { staged[name] = (pack, index) }
  }

  /// The staged packs, by name.
  var stagedPacks: [String: (pack: String, index: String)] { lock.withLock { staged } }

  /// Forgets where a staged pack was (it was published or discarded); its open descriptor
  /// and mapping stay valid across a rename.
  func unstage(_ name: String) {
    _ = lock.withLock { staged.removeValue(forKey: name) }
  }
}
