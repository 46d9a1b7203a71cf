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
