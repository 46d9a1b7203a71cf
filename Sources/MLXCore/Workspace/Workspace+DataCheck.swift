import Foundation

/// The `data.validated` gate's check of a commit's data against its schema: `mlx.lock`'s
/// `validated:` record is a claim anyone can commit, so `mlx promote` and `mlx audit` validate
/// the data again (from the store) and remember the verdict by data and schema digest.
extension Workspace {
  /// The check the registry reading gives the gate.
  func dataCheck() -> ComputedMetric.DataCheck {
    ComputedMetric.DataCheck { [self] path, digest, schemaPath, schema, commit in
      try checkData(path, digest: digest, schemaPath: schemaPath, schema: schema, at: commit)
    }
  }

  /// A verdict as stored: the data and schema it is about, and the first failed check.
  private struct StoredVerdict: Codable {
    let data: String
    let schema: String
    let valid: Bool
    let failure: String?
  }

  private func checkData(
    _ path: String, digest: ObjectID, schemaPath: String, schema: [UInt8], at commit: GitOID
  ) throws -> ComputedMetric.DataCheck.Verdict {
    let store = try self.store()
    let schemaDigest = schema.withUnsafeBytes { ObjectID(hashing: $0) }
    let verdicts = DerivedObjects(store: store, kind: "validations")
    let key = digest.hex + "-" + schemaDigest.hex
    if let id = verdicts.lookup(key), let bytes = try? verdicts.read(id),
      let stored = try? JSONDecoder().decode(StoredVerdict.self, from: Data(bytes)),
      stored.data == digest.description, stored.schema == schemaDigest.description
    {
      return stored.valid ? .valid : .invalid(stored.failure ?? "a check failed")
    }
    if case .pointer(let pointer) = try repository.committedPointer(
      path: path, commit: commit.hex), pointer.isDirectory
    {
      // Not re-checked: the directory's files would have to be written out one by one.
      return .valid
    }
    guard store.contains(digest) else {
      return .unavailable(
        "its content \(digest.short) is not in the store; fetch it with "
          + "`mlx fetch --rev \(commit.hex.prefix(7)) \(display(path))`")
    }
    let shown = "\(schemaPath) at \(commit.hex.prefix(7))"
    let parsed: TableSchema
    do {
      parsed = try TableSchema(parsing: String(decoding: schema, as: UTF8.self), path: shown)
    } catch {
      return .invalid("the schema does not parse: \(error)")
    }
    let file = try contentFile(digest, named: path, at: commit.hex, store: store)
    defer { if file.temporary { unlink(file.absolute) } }
    let validation = try TableValidator(schema: parsed, schemaPath: shown)
      .validate(absolutePath: file.absolute, displayPath: path)
    let failure = validation.valid ? nil : validation.reportLines.dropFirst().first
    let stored = StoredVerdict(
      data: digest.description, schema: schemaDigest.description, valid: validation.valid,
      failure: failure?.trimmingCharacters(in: .whitespaces))
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    _ = try verdicts.store(Array(try encoder.encode(stored)), for: key, compression: compression)
    return validation.valid ? .valid : .invalid(stored.failure ?? "a check failed")
  }
}
