/// Stored copies of objects that `mlx verify` found damaged (bytes that do not match their
/// id, or a pack file that is gone while its index remains), kept in the store's `damaged`
/// file.
///
/// Packs are never modified, so a damaged copy cannot be fixed in place. Instead every later
/// command reads around it: the store answers as if the copy were not there, so `mlx add`
/// of the original file, `mlx fetch`, or `mlx verify --repair` stores the object again, in a
/// new pack, and reads use that copy. `mlx gc` drops the damaged copy with its pack.
struct DamagedCopies: Sendable {
  /// One object in one pack.
  struct Copy: Hashable, Sendable {
    var pack: String
    var id: ObjectID
  }

  static let fileName = "damaged"

  private(set) var copies: Set<Copy> = []

  var isEmpty: Bool { copies.isEmpty }

  func contains(_ id: ObjectID, inPack pack: String) -> Bool {
    !copies.isEmpty && copies.contains(Copy(pack: pack, id: id))
  }

  /// The copies listed in `directory`'s `damaged` file; none when there is no such file. A
  /// line that does not read as `PACK-NAME sha256:HEX` is skipped.
  static func load(from directory: String) -> DamagedCopies {
    var damaged = DamagedCopies()
    let text = (try? FileSystem.readTextIfPresent(directory + "/" + fileName)) ?? nil
    for line in (text ?? "").split(separator: "\n") {
      let fields = line.split(separator: " ")
      guard fields.count == 2, fields[0].hasPrefix("pack-"), !fields[0].contains("/"),
        let id = ObjectID(parsing: fields[1])
      else { continue }
      damaged.copies.insert(Copy(pack: String(fields[0]), id: id))
    }
    return damaged
  }

  /// Adds `copies` and rewrites the file (atomically), leaving out copies in packs that no
  /// longer exist (`knownPacks`).
  mutating func record(_ new: [Copy], knownPacks: Set<String>, in directory: String) throws {
    copies.formUnion(new)
    copies = copies.filter { knownPacks.contains($0.pack) }
    let text = copies.map { "\($0.pack) \($0.id)\n" }.sorted().joined()
    try FileSystem.write(Array(text.utf8), atomicallyTo: directory + "/" + Self.fileName)
  }
}
