import Testing

@testable import MLXCore

@Suite struct LockFileTests {
  static let digest = ObjectID(hashing: Array("x".utf8))

  @Test func encodesDeterministicallyAndRoundTrips() throws {
    let state = LockFile.StageState(
      cmd: "python3 src/train.py --lr 0.1",
      deps: [
        .init(path: "src/train.py", digest: Self.digest, size: 10, files: nil),
        .init(path: "data/features", digest: Self.digest, size: 20, files: 2),
      ],
      params: [
        "params.yaml": ["train.lr": .double(0.1), "train.epochs": .int(3), "name": .string("yes")]
      ],
      outs: [.init(path: "model.pkl", digest: Self.digest, size: 5, files: nil)],
      metrics: ["metrics.json": ["acc": .double(1.0)]], run: "20261122-101500-3f2a9c1e")
    let lock = LockFile(stages: ["train": state, "prepare": state])
    let text = lock.encoded
    #expect(text == LockFile(stages: ["prepare": state, "train": state]).encoded)
    #expect(
      text.contains(
        "  prepare:\n    cmd: python3 src/train.py --lr 0.1\n    deps:\n    - path: data/features"))
    #expect(text.contains("        name: \"yes\"\n        train.epochs: 3\n        train.lr: 0.1"))
    #expect(text.contains("        acc: 1.0"))
    #expect(try LockFile(parsing: text) == lock)
  }

  @Test func roundTripsValidatedInputs() throws {
    let state = LockFile.StageState(
      cmd: "train", deps: [.init(path: "b.csv", digest: Self.digest, size: 1, files: nil)],
      params: [:], outs: [], metrics: [:], run: nil,
      validated: [
        .init(path: "b.csv", digest: Self.digest, schema: "s.yaml", schemaDigest: Self.digest),
        .init(path: "a.csv", digest: Self.digest, schema: "s.yaml", schemaDigest: Self.digest),
      ])
    let lock = LockFile(stages: ["train": state])
    #expect(
      lock.encoded.contains("    validated:\n    - path: a.csv\n      digest: \(Self.digest)"))
    #expect(try LockFile(parsing: lock.encoded) == lock)
  }

  @Test func rejectsDamagedFilesWithTheFix() {
    #expect {
      try LockFile(parsing: "version: 1\nstages:\n  a: {deps: []}\n")
    } throws: { error in
      "\(error)".contains("git checkout -- mlx.lock")
    }
  }
}

@Suite struct ParamValueTests {
  @Test func keepsYAMLTypes() throws {
    let value = try ParamValue.parse(
      "a: 1.0\nb: 1\nc: \"1\"\nd: true\ne: null\nf: [1, 2.5, x]\ng: {h: 1.0e-3}\n")
    let flat = ParamValue.flatten(value)
    #expect(flat["a"] == .double(1.0))
    #expect({ if case .double = flat["a"]! { return true } else { return false } }())
    #expect({ if case .int = flat["b"]! { return true } else { return false } }())
    #expect(flat["c"] == .string("1"))
    #expect(flat["d"] == .bool(true))
    #expect(flat["e"] == .null)
    #expect(flat["f"] == .list([.int(1), .double(2.5), .string("x")]))
    #expect(flat["g.h"] == .double(0.001))
  }

  @Test func looksUpAndSetsDottedKeys() throws {
    let value = try ParamValue.parse("train: {lr: 0.1, epochs: 3}")
    #expect(value.lookup("train.lr") == .double(0.1))
    #expect(value.lookup("train.missing") == nil)
    let changed = value.setting("train.lr", to: .double(0.2)).setting("new.key", to: .int(1))
    #expect(changed.lookup("train.lr") == .double(0.2))
    #expect(changed.lookup("train.epochs") == .int(3))
    #expect(changed.lookup("new.key") == .int(1))
    #expect(ParamValue.parseScalar("0.5") == .double(0.5))
    #expect(ParamValue.parseScalar("abc") == .string("abc"))
  }

  @Test func numbersCompareByValue() {
    #expect(ParamValue.int(1) == .double(1.0))
    #expect(Set([ParamValue.int(1), .double(1.0)]).count == 1)
    #expect(ParamValue.string("1") != .int(1))
  }
}

/// `mlx.lock` byte for byte, as docs/formats.md lays it out.
@Suite struct LockFileFormatTests {
  static let features = ObjectID(hashing: Array("features".utf8))
  static let model = ObjectID(hashing: Array("model".utf8))

  static let lock = LockFile(stages: [
    "train": .init(
      cmd: "python src/train.py --lr 0.1",
      deps: [
        .init(path: "src/train.py", digest: model, size: 812, files: nil),
        .init(path: "data/features", digest: features, size: 1_048_576, files: 2),
      ],
      params: ["params.yaml": ["train.lr": .double(0.1), "train.epochs": .int(3)]],
      outs: [.init(path: "models/model.pkl", digest: model, size: 524_288, files: nil)],
      metrics: ["metrics/train.json": ["accuracy": .double(0.93)], "metrics/empty.json": [:]],
      run: "20261122-101500-3f2a9c1e"),
    "prepare": .init(
      cmd: "python prep.py # all", deps: [], params: [:],
      outs: [.init(path: "data/features", digest: features, size: 1_048_576, files: 2)],
      metrics: [:], run: nil),
  ])

  /// The documented layout: a comment line, `version: 1`, `stages:`, then each stage sorted
  /// by name at two spaces; its keys at four, in the order cmd, deps, params, outs, metrics,
  /// run, each left out when empty; entries sorted by path, values by file then key.
  static let documented = """
    # Written by mlx run: what each stage last read and wrote. Commit it with mlx.yaml.
    version: 1
    stages:
      prepare:
        cmd: "python prep.py # all"
        outs:
        - path: data/features
          digest: \(features)
          size: 1048576
          files: 2
      train:
        cmd: python src/train.py --lr 0.1
        deps:
        - path: data/features
          digest: \(features)
          size: 1048576
          files: 2
        - path: src/train.py
          digest: \(model)
          size: 812
        params:
          params.yaml:
            train.epochs: 3
            train.lr: 0.1
        outs:
        - path: models/model.pkl
          digest: \(model)
          size: 524288
        metrics:
          metrics/empty.json: {}
          metrics/train.json:
            accuracy: 0.93
        run: "20261122-101500-3f2a9c1e"

    """

  @Test func encodesToTheDocumentedText() {
    #expect(Self.lock.encoded == Self.documented)
    #expect(
      LockFile().encoded
        == "# Written by mlx run: what each stage last read and wrote. Commit it with mlx.yaml.\n"
        + "version: 1\nstages: {}\n")
  }

  @Test func parsesTheDocumentedText() throws {
    #expect(try LockFile(parsing: Self.documented) == Self.lock)
    #expect(try LockFile(parsing: "version: 1\nstages: {}\n") == LockFile())
  }

  /// Damage is one line naming the file and line, the problem and the fix.
  @Test func damagedTextIsOneLineNamingFileLineAndFix() {
    let fix = "; restore it with `git checkout -- mlx.lock` or delete it to rerun every stage"
    let digestLine = "      digest: \(Self.features)\n"
    let cases: [(text: String, error: String)] = [
      (
        Self.documented.replacingOccurrences(
          of: "size: 812", with: "size: eight"),
        "mlx.lock:20: 'size' must be a whole number" + fix
      ),
      (
        Self.documented.replacingOccurrences(
          of: "\(Self.model)\n      size: 812", with: "sha256:0123\n      size: 812"),
        "mlx.lock:19: 'sha256:0123' is not a sha256 digest" + fix
      ),
      (
        // Cut short after a path: the entry has no digest.
        Self.documented.split(separator: "\n").prefix(7).joined(separator: "\n") + "\n",
        "mlx.lock:7: missing key 'digest'" + fix
      ),
      (
        "version: 1\nstages:\n  a:\n    cmd: x\n    outs:\n    - path: ../escape\n"
          + digestLine + "      size: 1\n",
        "mlx.lock:6: path '../escape' must be inside the repository and out of .git and .mlx"
          + fix
      ),
      (
        Self.documented.replacingOccurrences(of: "version: 1", with: "version: 2"),
        "mlx.lock:2: version 2 is newer than this mlx understands; upgrade mlx"
      ),
      (
        "version: 1\nstages:\n  a:\n    cmd: x\n    outputs: []\n",
        "mlx.lock:5: unknown key 'outputs' (known keys: cmd, deps, metrics, outs, params, run, validated)"
          + fix
      ),
    ]
    for (text, expected) in cases {
      do {
        _ = try LockFile(parsing: text)
        Issue.record("parsed damaged text:\n\(text)")
      } catch {
        #expect("\(error)" == expected)
      }
    }
  }
}
