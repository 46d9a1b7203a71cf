import ArgumentParser

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
  @Option(
    name: [.customShort("C"), .customLong("repository")],
    help: "Run as if mlx was started in this directory.",
    completion: .directory)
  var repository: String?
}

/// `--json` for reading commands.
struct OutputOptions: ParsableArguments {
  @Flag(help: "Print machine-readable JSON instead of text.")
  var json = false
}

/// `--quiet` for commands that show progress.
struct ProgressOptions: ParsableArguments {
  @Flag(name: .shortAndLong, help: "Show no progress bar.")
  var quiet = false
}
