/// The canonical list of a tracked directory's files; its SHA-256 is the directory's digest.
///
/// ```
/// mlx-manifest 1
/// 100644 4096 sha256:<hex> images/cat.png
/// 100755 812 sha256:<hex> run.sh
/// ```
///
/// One line per regular file, sorted by the UTF-8 bytes of its path: Git-style mode (the
/// executable bit is the only one recorded), size, digest, and the path relative to the
/// directory. Paths never contain `..`, `.`, empty components or control characters; a
/// manifest with such a path is rejected, so a checkout can never write outside the directory.
struct DirectoryManifest: Equatable, Sendable {
  struct Entry: Equatable, Sendable {
    var path: String
    var digest: ObjectID
    var size: Int64
    var isExecutable: Bool
  }

  static let header = "mlx-manifest 1"

  /// Entries sorted by path bytes.
  let entries: [Entry]

  init(entries: [Entry]) {
    let isSorted = zip(entries, entries.dropFirst()).allSatisfy {
      PathOrder.precedes($0.path, $1.path)
    }
    self.entries = isSorted ? entries : entries.sorted { PathOrder.precedes($0.path, $1.path) }
  }

  var totalSize: Int64 { entries.reduce(0) { $0 + $1.size } }

  var encoded: [UInt8] {
    var bytes = Array((Self.header + "\n").utf8)
    bytes.reserveCapacity(entries.count * 120)
    for entry in entries {
      bytes += (entry.isExecutable ? "100755 " : "100644 ").utf8
      bytes += String(entry.size).utf8
      bytes.append(UInt8(ascii: " "))
      bytes += ObjectID.prefix.utf8
      entry.digest.appendHex(to: &bytes)
      bytes.append(UInt8(ascii: " "))
      bytes += entry.path.utf8
      bytes.append(UInt8(ascii: "\n"))
    }
    return bytes
  }

  /// The directory's digest.
  var digest: ObjectID { ObjectID(hashing: encoded) }

  /// Parses a manifest; returns nil (with the offending line) when it is not canonical.
  init(decoding bytes: [UInt8]) throws(ManifestError) {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw ManifestError(line: nil, problem: "not UTF-8 text")
    }
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    guard lines.first == Substring(Self.header) else {
      throw ManifestError(line: 1, problem: "missing '\(Self.header)' header")
    }
    guard lines.last == "" else {
      throw ManifestError(line: lines.count, problem: "the last line does not end with a newline")
    }
    lines.removeLast()
    var entries: [Entry] = []
    for (number, line) in lines.enumerated().dropFirst() {
      let fields = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
      guard fields.count == 4, fields[0] == "100644" || fields[0] == "100755",
        let size = Int64(fields[1]), size >= 0, let digest = ObjectID(parsing: fields[2])
      else {
        throw ManifestError(
          line: number + 1,
          problem: "malformed entry '\(MessageText.quoted(String(line)))' "
            + "(expected 'MODE SIZE sha256:HEX PATH', MODE 100644 or 100755)")
      }
      let path = String(fields[3])
      guard RelativePath.isSafe(path) else {
        throw ManifestError(line: number + 1, problem: "unsafe path '\(MessageText.quoted(path))'")
      }
      entries.append(
        Entry(path: path, digest: digest, size: size, isExecutable: fields[0] == "100755"))
    }
    for index in entries.indices.dropFirst()
    where !PathOrder.precedes(entries[index - 1].path, entries[index].path) {
      throw ManifestError(
        line: index + 2,
        problem: "'\(MessageText.quoted(entries[index].path))' is out of order or repeated "
          + "(entries are sorted by path bytes, each path once)")
    }
    // `a` and `a/b`: no checkout can write both (a file where a directory must be).
    let files = Set(entries.map(\.path))
    for (number, entry) in entries.enumerated() {
      var parent = Substring(entry.path)
      while let slash = parent.lastIndex(of: "/") {
        parent = parent[..<slash]
        guard !files.contains(String(parent)) else {
          throw ManifestError(
            line: number + 2,
            problem: "'\(MessageText.quoted(entry.path))' is inside "
              + "'\(MessageText.quoted(String(parent)))', which is listed as a file")
        }
      }
    }
    self.entries = entries
  }
}

/// Why a stored manifest was rejected; callers name the manifest's object and directory.
struct ManifestError: Error, Equatable, CustomStringConvertible {
  var line: Int?
  var problem: String

  var description: String {
    MessageText.oneLine(line.map { "manifest line \($0): \(problem)" } ?? "manifest: \(problem)")
  }
}
