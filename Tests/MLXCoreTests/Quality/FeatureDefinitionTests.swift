import Testing

@testable import MLXCore

@Suite struct FeatureDefinitionTests {
  static let text = """
    name: churn
    features:
      - name: tenure
        type: integer
        description: days
        source: [signup_date]
        stage: featurize
        constraints: {minimum: 0, maximum: 10}
      - {name: plan, type: string, source: plan, constraints: {enum: [free, pro]}}

    """

  @Test func parsesIntoASchemaWithOneFieldPerFeature() throws {
    let definition = try FeatureDefinition(parsing: Self.text, path: "d.yaml")
    #expect(definition.name == "churn")
    #expect(definition.features.map(\.source) == [["signup_date"], ["plan"]])
    #expect(definition.features.first?.stage == "featurize")
    let schema = definition.schema
    #expect(schema.fields.map(\.name) == ["tenure", "plan"])
    #expect(schema.fields.map(\.type) == [.integer, .string])
    #expect(schema.field(named: "tenure")?.constraints.maximum == "10")
    #expect(schema.field(named: "plan")?.constraints.enumeration == ["free", "pro"])
  }

  @Test func diffNamesAddedRemovedAndChangedProperties() throws {
    let old = try FeatureDefinition(parsing: Self.text, path: "a")
    var new = old
    new.features.removeLast()
    new.features[0].type = .number
    new.features[0].constraints.maximum = "20"
    new.features.append(old.features[1])
    new.features[1].name = "region"
    let diff = FeatureSetDiff(old, new)
    #expect(diff.added == ["region"])
    #expect(diff.removed == ["plan"])
    #expect(diff.changed.map(\.feature) == ["tenure"])
    #expect(diff.changed.first?.changes.map(\.property) == ["type", "constraints"])
    #expect(FeatureSetDiff(old, old).isEmpty)
  }

  @Test(arguments: [
    ("name: x\nfeatures: []\n", "d.yaml:2: 'features' must list at least one feature"),
    ("features:\n  - {name: a, type: string}\n", "d.yaml:1: missing key 'name'"),
    (
      "name: x\nowner: me\nfeatures:\n  - {name: a, type: string}\n",
      "d.yaml:2: unknown key 'owner'"
    ),
    ("name: x\nfeatures:\n  - {name: a, type: any}\n", "d.yaml:3: feature 'a': unknown type 'any'"),
    ("name: x\nfeatures:\n  - {name: a}\n", "d.yaml:3: missing key 'type'"),
  ])
  func malformedDefinitionsNameTheLine(text: String, message: String) {
    #expect {
      try FeatureDefinition(parsing: text, path: "d.yaml")
    } throws: { error in
      "\(error)".hasPrefix(message)
    }
  }
}
