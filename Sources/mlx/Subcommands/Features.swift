import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Versioned feature sets: `mlx features list|show|diff`.
  struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List, show and compare versioned feature sets.",
      discussion: """
        A feature set is data added with `mlx add PATH --kind features --definition FILE`: \
        its pointer names a definition file (name, and per feature: type, description, \
        source columns, producing stage, constraints) committed beside it. A version is \
        NAME@vX.Y.Z (a registry version of the artifact at its path) or NAME@REV (a Git \
        revision); NAME alone is the work tree. NAME is the definition's name, the data's \
        path or a registry artifact's name. See docs/quality.md, Feature sets.
        """,
      subcommands: [List.self, Show.self, Diff.self])

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "List the feature sets of the work tree with their registered versions.")

      @OptionGroup var global: GlobalOptions
      @OptionGroup var output: OutputOptions

      func run() throws {
        let workspace = try Workspace.open(at: global.repository)
        let sets = try workspace.featureSets()
        if output.json { return try Output.json(sets) }
        if sets.isEmpty { print("No feature sets (add one with `mlx add PATH --kind features`)") }
        for set in sets {
          let versions =
            set.versions.isEmpty ? "unregistered" : set.versions.joined(separator: ", ")
          let count =
            set.name == nil
            ? "no definition (mlx add PATH --definition FILE)"
            : "\(set.featureCount) \(set.featureCount == 1 ? "feature" : "features")"
          print("\(set.name ?? "-")  \(workspace.display(set.path))  \(count)  \(versions)")
        }
      }
    }

    struct Show: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Show a feature set's definitions at a version, with its data's digest.")

      @OptionGroup var global: GlobalOptions
      @OptionGroup var output: OutputOptions

      @Argument(help: "NAME, NAME@vX.Y.Z or NAME@REV.")
      var reference: String

      func run() throws {
        let workspace = try Workspace.open(at: global.repository)
        let set = try workspace.featureSet(reference)
        if output.json { return try Output.json(set) }
        let at = set.version ?? set.commit.map { "commit \($0.prefix(7))" } ?? "work tree"
        print("\(set.name) (\(at))")
        print("data        \(workspace.display(set.path)) \(set.digest)")
        print("definition  \(workspace.display(set.definitionPath))")
        for feature in set.features {
          print("  \(feature.name): \(feature.type.rawValue)")
          if let description = feature.description { print("    description  \(description)") }
          if !feature.source.isEmpty {
            print("    source       \(feature.source.joined(separator: ", "))")
          }
          if let stage = feature.stage { print("    stage        \(stage)") }
          let constraints = FeatureSetDiff.describe(feature.constraints)
          if !constraints.isEmpty { print("    constraints  \(constraints)") }
        }
      }
    }

    struct Diff: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Compare two versions of a feature set.",
        discussion: """
          Lists features added, removed and changed (type, source, stage, description, \
          constraints) and whether the data's digest changed. Exits 0 whether or not they \
          differ, as `git diff` does; 1 only when a version cannot be read.
          """)

      @OptionGroup var global: GlobalOptions
      @OptionGroup var output: OutputOptions

      @Argument(help: "The older version: NAME@vX.Y.Z, NAME@REV or NAME (the work tree).")
      var old: String

      @Argument(help: "The newer version.")
      var new: String

      func run() throws {
        let workspace = try Workspace.open(at: global.repository)
        let comparison = try workspace.compareFeatureSets(old, new)
        if output.json { return try Output.json(comparison) }
        print("--- \(old) \(comparison.old.digest)")
        print("+++ \(new) \(comparison.new.digest)")
        print(comparison.dataChanged ? "data changed" : "data unchanged")
        for name in comparison.added { print("+ \(name)") }
        for name in comparison.removed { print("- \(name)") }
        for change in comparison.changed {
          print("~ \(change.feature)")
          for property in change.changes {
            print("    \(property.property): \(shown(property.old)) -> \(shown(property.new))")
          }
        }
        if comparison.added.isEmpty, comparison.removed.isEmpty, comparison.changed.isEmpty {
          print("features unchanged")
        }
      }

      private func shown(_ value: String) -> String { value.isEmpty ? "(none)" : value }
    }
  }
}
