import Foundation

/// A gate metric mlx computes from a commit's objects, rather than reads from the metrics
/// `mlx.lock` records: `data.validated`. A gate names it like any metric
/// (`data.validated == 1`); its value at a commit is the same at promotion and at audit, as
/// both read it from the commit, never from a tag message. A computed name takes precedence
/// over a recorded metric of the same name, so no metrics file can claim it.
///
/// To add one: a ``ComputedMetric`` with its name and an `evaluate` closure, listed in
/// ``all``. A metric that compares the candidate with the stage's holder (`drift.psi`) is a
/// ``PairedMetrics`` instead.
struct ComputedMetric: Sendable {
  /// The value and why, as the gate's report and the tag's `Mlx-Gate` trailer show it.
  struct Outcome: Codable, Sendable, Equatable {
    var value: Double
    var detail: String
    /// True when the value depends on what this machine's store holds (data not fetched):
    /// such an outcome is never cached.
    var dependsOnStore: Bool? = nil
  }

  /// What a computed metric reads: the commit, the artifact's path there, its `mlx.lock`, and
  /// the workspace's check of data against a schema (nil: the records are not re-checked).
  struct Context {
    let repository: Repository
    let commit: GitOID
    let path: String
    let lock: LockFile
    var dataCheck: DataCheck?
  }

  /// Checks data against a schema as a commit holds both: the registry reads no data, so the
  /// workspace provides it (validating with Quality, remembering verdicts in the store).
  struct DataCheck {
    enum Verdict: Equatable, Sendable {
      case valid
      /// The first failed check.
      case invalid(String)
      /// The data is not here (or is a directory, which is not re-checked): why.
      case unavailable(String)
    }

    /// `path` (holding `digest` at `commit`) against the schema file `schemaPath` there, whose
    /// bytes are `schema`.
    let check:
      (
        _ path: String, _ digest: ObjectID, _ schemaPath: String, _ schema: [UInt8],
        _ commit: GitOID
      ) throws -> Verdict
  }

  let name: String
  let evaluate: @Sendable (Context) throws -> Outcome

  /// Every computed metric.
  static let all: [ComputedMetric] = [.dataValidated]

  /// The outcomes at `commit` for the artifact at `path`.
  static func outcomes(
    at commit: GitOID, path: String, lock: LockFile, in repository: Repository,
    dataCheck: DataCheck? = nil
  ) throws -> [String: Outcome] {
    let context = Context(
      repository: repository, commit: commit, path: path, lock: lock, dataCheck: dataCheck)
    var outcomes: [String: Outcome] = [:]
    for metric in all { outcomes[metric.name] = try metric.evaluate(context) }
    return outcomes
  }
}

extension ComputedMetric {
  /// `data.validated`: 1 when the stage that wrote the artifact (the one whose `outs` hold
  /// it in the commit's `mlx.lock`) recorded a passing validation of each input its
  /// `validate:` lists, and the data and schema it validated are the ones the commit holds:
  /// the data's digest equals the stage's `deps` entry and the commit's pointer (or file), the
  /// schema's SHA-256 equals the commit's schema file. Else 0, naming the first input that
  /// was not.
  static let dataValidated = ComputedMetric(name: "data.validated") { context in
    func fail(_ detail: String) -> Outcome { Outcome(value: 0, detail: detail) }
    let path = context.path
    guard
      let (name, state) = context.lock.stages.sorted(by: { $0.key < $1.key })
        .first(where: { $0.value.outs.contains { $0.path == path } })
    else {
      return fail("no stage in \(LockFile.fileName) writes \(path)")
    }
    // The stage as the commit's mlx.yaml declares it: every input it lists must be recorded.
    var declared: [String] = []
    if let bytes = try context.repository.file(PipelineSpec.fileName, inCommit: context.commit),
      let spec = try? PipelineSpec(parsing: String(decoding: bytes, as: UTF8.self))
    {
      declared = spec.stage(named: name)?.validations.map(\.path) ?? []
    }
    guard !state.validated.isEmpty || !declared.isEmpty else {
      return fail("stage '\(name)', which writes \(path), validates none of its inputs")
    }
    let recorded = Set(state.validated.map(\.path))
    if let missing = declared.first(where: { !recorded.contains($0) }) {
      return fail("\(missing) was not validated by stage '\(name)'")
    }
    for input in state.validated {
      guard state.deps.first(where: { $0.path == input.path })?.digest == input.digest else {
        return fail("\(input.path) was not validated by stage '\(name)' as the stage read it")
      }
      let held = try context.repository.heldDigest(path: input.path, commit: context.commit)
      guard held == input.digest else {
        return fail(
          "\(input.path) was not validated: stage '\(name)' validated \(input.digest.short), "
            + "the commit holds \(held?.short ?? "no such data")")
      }
      let schema =
        RelativePath.isSafe(input.schema)
        ? try context.repository.file(input.schema, inCommit: context.commit) : nil
      guard let schema, schema.withUnsafeBytes({ ObjectID(hashing: $0) }) == input.schemaDigest
      else {
        return fail(
          "\(input.path) was not validated against the commit's \(input.schema) "
            + "(\(schema == nil ? "missing there" : "it changed since"))")
      }
      // mlx.lock is a claim anyone can commit: the data is checked against the schema again.
      switch try context.dataCheck?.check(
        input.path, input.digest, input.schema, schema, context.commit)
      {
      case nil, .valid: continue
      case .invalid(let why):
        return fail("\(input.path) does not match the commit's \(input.schema): \(why)")
      case .unavailable(let why):
        var outcome = fail("\(input.path) cannot be checked against \(input.schema) here: \(why)")
        outcome.dependsOnStore = true
        return outcome
      }
    }
    let inputs = state.validated.map(\.path).joined(separator: ", ")
    return Outcome(value: 1, detail: "stage '\(name)' validated \(inputs)")
  }
}
