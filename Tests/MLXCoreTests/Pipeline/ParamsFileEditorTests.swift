import Testing

@testable import MLXCore

@Suite struct ParamsFileEditorTests {
  private func edit(_ text: String, file: String = "params.yaml", _ overrides: String...) throws
    -> String
  {
    try ParamsFileEditor.applying(
      ParamOverrides(parsing: overrides).overrides, to: text, file: file)
  }

  @Test func replacesValuesInPlaceKeepingCommentsOrderAndSpelling() throws {
    let text = "# top\ntrain:\n  C: 1.0  # strength\n  solver: lbfgs\nprepare:\n  seed: 7\n"
    #expect(
      try edit(text, "train.C=0.0010", "prepare.seed=8")
        == "# top\ntrain:\n  C: 0.0010  # strength\n  solver: lbfgs\nprepare:\n  seed: 8\n")
  }

  @Test func quotesStringsAsTheFormatNeeds() throws {
    #expect(try edit("a:\n  b: 'x'\n", "a.b=yes please") == "a:\n  b: yes please\n")
    #expect(try edit("a:\n  b: x\n", "a.b=true") == "a:\n  b: true\n")
    #expect(
      try edit("{\"a\": {\"b\": \"x\"}}\n", file: "p.json", "p.json:a.b=y")
        == "{\"a\": {\"b\": \"y\"}}\n")
    #expect(try edit("{\"a\": 1}\n", file: "p.json", "p.json:a=2.5") == "{\"a\": 2.5}\n")
  }

  @Test func refusesWhatItCannotReplaceInPlace() throws {
    #expect(throws: PipelineError.overrideKeyMissing(file: "params.yaml", key: "train.c")) {
      try edit("train:\n  C: 1\n", "train.c=2")
    }
    #expect(throws: PipelineError.overrideNotInPlace(file: "params.yaml", key: "train")) {
      try edit("train:\n  C: 1\n", "train=2")
    }
    #expect(throws: PipelineError.overrideNotInPlace(file: "params.yaml", key: "note")) {
      try edit("note: |\n  two\n  lines\n", "note=x")
    }
    #expect(throws: PipelineError.badOverride(".git/config:core.bare=true")) {
      try ParamOverrides(parsing: [".git/config:core.bare=true"])
    }
  }
}
