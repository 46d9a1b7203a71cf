import Testing

@testable import MLXCore

@Suite struct RegistryTagNameTests {
  @Test(arguments: [
    "churn@v1.0.0", "churn@v1.0.0!", "churn#prod#3", "churn#staging!#4", "churn@deprecated",
    "team/churn-model@v2.10.0-rc.1", "a1#dev#12",
  ])
  func roundTripsGTONames(name: String) throws {
    let parsed = try #require(RegistryTagName(parsing: name))
    #expect(parsed.description == name)
  }

  @Test(arguments: [
    ("Churn@v1.0.0", "Churn"), ("my_model#Prod#2", "my_model"),
    ("models/sub=net@v1.0.0", "models/sub:net"),
    ("cv.x/y=seg#dev#3", "cv.x/y:seg"), ("a@v1.0.0#4", "a"),
  ])
  func readsGTONamesBeyondLowercase(tag: String, artifact: String) throws {
    let parsed = try #require(RegistryTagName(parsing: tag), "\(tag)")
    #expect(parsed.artifact == artifact)
    #expect(parsed.description == tag, "round-trips, with ':' written '=' in the tag")
  }

  @Test func stageReferencesNeverCollideWithMonorepoNames() throws {
    #expect(
      ArtifactStageReference("models/sub:net#prod")
        == ArtifactStageReference(artifact: "models/sub:net", stage: "prod"))
    #expect(
      ArtifactStageReference("models/sub:net%prod")
        == ArtifactStageReference(artifact: "models/sub:net", stage: "prod"))
    #expect(
      ArtifactStageReference("models/sub:net") == nil,
      "':' is part of the name, never a stage separator")
  }

  @Test func readsEachPart() throws {
    let assign = try #require(RegistryTagName(parsing: "churn#prod#3"))
    #expect(
      assign.artifact == "churn" && assign.action == .assign(stage: "prod") && assign.counter == 3)
    let unassign = try #require(RegistryTagName(parsing: "churn#prod!#4"))
    #expect(unassign.action == .unassign(stage: "prod"))
    let deregister = try #require(RegistryTagName(parsing: "churn@v1.2.3!"))
    #expect(deregister.action == .deregister(SemanticVersion("v1.2.3")!))
  }

  @Test(arguments: [
    "churn@1.0.0", "churn@v01.0.0", "churn", "churn#", "-churn#dev#1", "v1.0.0", "churn#dev#x",
    "churn#dev#",
    "churn@deprecated!", "a:b@v1.0.0", "a=b=c@v1.0.0", "churn#de.v#1", "churn_#dev#1",
    "churn@created",
  ])
  func rejectsOtherTags(name: String) {
    #expect(RegistryTagName(parsing: name) == nil)
  }
}

@Suite struct SemanticVersionTests {
  @Test func ordersAsSemverSays() {
    let versions = [
      "v1.0.0", "v1.0.0-rc.1", "v1.0.0-alpha", "v0.9.9", "v1.0.0-rc.10", "v1.0.0-rc.2", "v1.10.0",
      "v1.2.0",
    ]
    .compactMap(SemanticVersion.init).sorted().map(\.description)
    #expect(
      versions == [
        "v0.9.9", "v1.0.0-alpha", "v1.0.0-rc.1", "v1.0.0-rc.2", "v1.0.0-rc.10", "v1.0.0", "v1.2.0",
        "v1.10.0",
      ])
  }

  @Test func bumps() {
    let version = SemanticVersion("v1.2.3")!
    #expect(version.bumped(.patch).description == "v1.2.4")
    #expect(version.bumped(.minor).description == "v1.3.0")
    #expect(version.bumped(.major).description == "v2.0.0")
  }
}

@Suite struct GateTests {
  private func gate(_ text: String) throws -> Gate { try Gate.parse(text).get() }

  @Test func comparesWithNumbersAndTheCurrentHolder() throws {
    let candidate: [String: ParamValue] = [
      "accuracy": .double(0.93), "latency_ms": .int(40), "auc": .double(0.90),
    ]
    #expect(try gate("accuracy >= 0.9").evaluate(candidate: candidate, current: nil).passed)
    #expect(try gate("latency_ms <= 50").evaluate(candidate: candidate, current: nil).passed)
    #expect(!(try gate("accuracy > 0.95").evaluate(candidate: candidate, current: nil).passed))
    let relative = try gate("auc >= current.auc - 0.01")
    #expect(relative.evaluate(candidate: candidate, current: ["auc": .double(0.905)]).passed)
    #expect(!relative.evaluate(candidate: candidate, current: ["auc": .double(0.95)]).passed)
    #expect(
      relative.evaluate(candidate: candidate, current: nil).passed, "no holder: nothing to compare")
    let missing = try gate("f1 >= 0.5").evaluate(candidate: candidate, current: nil)
    #expect(!missing.passed && missing.detail.contains("not recorded"))
  }

  @Test(arguments: [
    "accuracy >=", "accuracy ~ 0.9", "accuracy >= high", "auc >= current.auc * 2", "acc uracy >= 1",
  ])
  func rejectsMalformedGates(text: String) {
    #expect(throws: GateError.self) { try Gate.parse(text).get() }
  }
}
