import Foundation

/// The Git hooks `mlx install-hooks` writes, as `dvc install` does: after a checkout or a
/// merge the work tree's data follows the pointers, and before a push the data goes to the
/// default remote.
public enum GitHook: String, CaseIterable, Codable, Sendable {
  case postCheckout = "post-checkout"
  case postMerge = "post-merge"
  case prePush = "pre-push"
}

/// What `mlx install-hooks` did.
public struct HookInstallReport: Codable, Sendable {
  /// The hooks directory (`core.hooksPath`, or the repository's `hooks/`).
  public var directory = ""
  public var installed: [String] = []
  /// Hooks that were there before, kept as `NAME.pre-mlx` and run first by mlx's.
  public var chained: [String] = []
}

extension Workspace {
  /// The first line after the shebang of every hook mlx writes: how it knows its own.
  static let hookMarker = "# mlx-hook: written by `mlx install-hooks`"

  /// Writes the hooks. A hook that is not mlx's is kept as `NAME.pre-mlx` and run first, its
  /// exit status respected; running this again rewrites mlx's hooks and chains nothing twice.
  /// `executable` is the mlx program the hooks run when `mlx` is not on `PATH`.
  public func installHooks(executable: String) throws -> HookInstallReport {
    var report = HookInstallReport()
    let configured = (try? repository.configValue("core.hooksPath")) ?? nil
    let directory =
      configured.map { $0.hasPrefix("/") ? $0 : FileSystem.join(root, $0) }
      ?? repository.commonDirectory + "/hooks"
    report.directory = directory
    try FileSystem.createDirectories(directory)
    for hook in GitHook.allCases {
      let path = directory + "/" + hook.rawValue
      if let existing = try FileSystem.readTextIfPresent(path), !existing.contains(Self.hookMarker)
      {
        let kept = path + ".pre-mlx"
        guard try FileStatus.of(kept) == nil else {
          throw WorkspaceError.invalidConfiguration(
            path: kept, line: nil,
            problem: "mlx would keep the \(hook.rawValue) hook that is not its own here, and a "
              + "file is here already; move one of them aside")
        }
        try FileSystem.rename(path, to: kept)
        report.chained.append(hook.rawValue)
      }
      try FileSystem.write(
        Array(Self.hookScript(hook, executable: executable).utf8), atomicallyTo: path, mode: 0o755)
      report.installed.append(hook.rawValue)
    }
    return report
  }

  /// The script for `hook`: the earlier hook first, then `mlx git-hook NAME ARGS...`. A
  /// missing mlx is reported and lets Git go on.
  static func hookScript(_ hook: GitHook, executable: String) -> String {
    let quoted = "'" + executable.replacingOccurrences(of: "'", with: "'\\''") + "'"
    return """
      #!/bin/sh
      \(hookMarker) (docs/commands.md).
      # A hook that was here before is kept as \(hook.rawValue).pre-mlx and runs first.
      if [ -x "$0.pre-mlx" ]; then "$0.pre-mlx" "$@" || exit $?; fi
      mlx=$(command -v mlx 2>/dev/null) || mlx=\(quoted)
      if [ ! -x "$mlx" ]; then
        echo "mlx: not found; the \(hook.rawValue) hook did nothing" >&2
        exit 0
      fi
      exec "$mlx" git-hook \(hook.rawValue) "$@"

      """
  }
}
