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

/// `-q/--quiet` for the commands that report what they did or show progress: no progress
/// bar and nothing on standard output, except what `--json` asks for. Errors still go to
/// standard error, and the exit code is the same.
struct QuietOption: ParsableArguments {
  @Flag(
    name: [.customShort("q"), .customLong("quiet")],
    help: "Print only errors (and --json output); show no progress bar.")
  var isOn = false
}
