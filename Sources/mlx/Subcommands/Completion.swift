import ArgumentParser

extension MLXCommand {
  /// Prints a shell completion script.
  struct Completion: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "completion",
      abstract: "Print the completion script for bash, zsh or fish.",
      discussion: """
        bash:  mlx completion bash > /etc/bash_completion.d/mlx  (or source it from ~/.bashrc)
        zsh:   mlx completion zsh > "${fpath[1]}/_mlx"
        fish:  mlx completion fish > ~/.config/fish/completions/mlx.fish
        """)

    @Argument(help: "bash, zsh or fish.")
    var shell: String

    func run() throws {
      guard let kind = CompletionShell(rawValue: shell) else {
        throw ValidationError("no completion for '\(shell)'; mlx has bash, zsh and fish")
      }
      print(MLXCommand.completionScript(for: kind), terminator: "")
    }
  }
}
