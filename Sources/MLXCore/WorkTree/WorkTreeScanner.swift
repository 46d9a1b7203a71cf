import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Lists the regular files of a directory, recursively, with their `lstat` data.
///
/// The rule for special entries (docs/commands.md#symbolic-links): symbolic links, sockets,
/// FIFOs and devices are refused with an error naming them, so a tracked directory always
/// restores to exactly what was added; file names with control characters, and `.git` or
/// `.mlx` entries (any case), which no manifest may name, are refused too.
/// mlx's own temporary files (`.NAME.RANDOM.tmp-PID`, written by a checkout) are skipped, and
/// deleted when the process that wrote them is gone.
enum WorkTreeScanner {
  struct File {
    /// Path relative to the scanned directory.
    var path: String
    var status: FileStatus
  }

  /// - Parameters:
  ///   - directory: absolute path of the directory.
  ///   - displayPath: how to name the directory in errors.
  static func files(in directory: String, displayPath: String) throws -> [File] {
    let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard descriptor >= 0 else { throw SystemError.last("list", path: displayPath) }
    let top = try list(descriptor, relative: "", displayPath: displayPath)
    defer { close(descriptor) }
    // Subdirectories are walked on all cores; their results are joined in name order.
    let results = ConcurrentResults<[File]>(count: top.directories.count)
    let directories = top.directories
    DispatchQueue.concurrentPerform(iterations: directories.count) { index in
      results.record(index) {
        var files: [File] = []
        try walk(
          directories[index].descriptor, relative: directories[index].name,
          displayPath: displayPath, into: &files)
        return files
      }
    }
    var files = top.files
    for nested in try results.values() { files += nested }
    // Depth-first order with sorted names is almost byte order ("a.txt" < "a/b" is the
    // exception); the sort is adaptive, so this costs one pass when nothing moves.
    let isSorted = zip(files, files.dropFirst()).allSatisfy { PathOrder.precedes($0.path, $1.path) }
    return isSorted ? files : files.sorted { PathOrder.precedes($0.path, $1.path) }
  }

  /// One directory's regular files, and its subdirectories opened for walking.
  private struct Listing {
    var files: [File] = []
    var directories: [(name: String, descriptor: Int32)] = []
  }

  /// Lists the directory open as `descriptor` (which stays open); names are resolved
  /// relative to it, never through a whole path.
  private static func list(
    _ descriptor: Int32, relative: String, displayPath: String
  ) throws -> Listing {
    let copy = dup(descriptor)
    guard copy >= 0, let directory = fdopendir(copy) else {
      throw SystemError.last("list", path: displayPath + "/" + relative)
    }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
      }
      guard name != "." && name != ".." else { continue }
      if TemporaryFiles.isOwn(name) {
        // A checkout's file in the making: another mlx is writing it, or a killed one left
        // it behind, in which case it goes now. (A user's file with such a name but without
        // a tag that checks out is data like any other.)
        if TemporaryFiles.isAbandoned(name) { unlinkat(descriptor, name, 0) }
        continue
      }
      names.append(name)
    }
    names.sort(by: PathOrder.precedes)
    var listing = Listing()
    do {
      for name in names {
        let childRelative = relative.isEmpty ? name : relative + "/" + name
        // Built only for an error: one string per file less on the path `status` takes.
        var shown: String { displayPath + "/" + childRelative }
        guard !RelativePath.hasControlCharacters(name) else {
          throw WorkspaceError.unsupportedFileName(path: shown)
        }
        guard name.utf8.count <= RelativePath.maximumNameLength else {
          throw WorkspaceError.nameTooLong(path: shown, name: name)
        }
        guard !RelativePath.isReserved(Substring(name)) else {
          throw WorkspaceError.metadataInside(path: shown)
        }
        var raw = stat()
        guard fstatat(descriptor, name, &raw, AT_SYMLINK_NOFOLLOW) == 0 else {
          if errno == ENOENT { continue }
          throw SystemError.last("stat", path: shown)
        }
        let status = FileStatus(raw)
        switch status.kind {
        case .directory:
          let child = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
          guard child >= 0 else { throw SystemError.last("list", path: shown) }
          listing.directories.append((childRelative, child))
        case .regular:
          listing.files.append(File(path: childRelative, status: status))
        case .symbolicLink:
          throw WorkspaceError.symbolicLink(path: shown)
        case .other:
          throw WorkspaceError.unsupportedFileType(path: shown)
        }
      }
    } catch {
      listing.directories.forEach { close($0.descriptor) }
      throw error
    }
    return listing
  }

  /// Walks the directory open as `descriptor` depth-first and closes it.
  private static func walk(
    _ descriptor: Int32, relative: String, displayPath: String, into files: inout [File]
  ) throws {
    defer { close(descriptor) }
    let listing = try list(descriptor, relative: relative, displayPath: displayPath)
    files += listing.files
    var remaining = listing.directories[...]
    defer { remaining.forEach { close($0.descriptor) } }
    while let next = remaining.popFirst() {
      try walk(next.descriptor, relative: next.name, displayPath: displayPath, into: &files)
    }
  }
}
