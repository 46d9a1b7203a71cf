import ArgumentParser
import MLXCore

extension MLXCommand {
  /// Sets up mlx in a Git repository.
  struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Set up mlx in the current Git repository.",
      discussion: """
        Creates .mlx/config.yaml and .mlx/.gitignore and stages them. Works from any \
        subdirectory; running it again changes nothing.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var quiet: QuietOption

    func run() throws {
      let result = try Workspace.initialize(at: global.repository)
      if result.created {
        quiet.say(
          "Initialized mlx in \(result.root)/.mlx (staged .mlx/config.yaml and .mlx/.gitignore)")
      } else {
        quiet.say("mlx is already initialized in \(result.root)/.mlx")
      }
    }
  }
}
