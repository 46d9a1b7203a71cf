/// Errors signing something or reading who may sign, each naming the file or key and the fix.
public enum SigningError: Error, CustomStringConvertible, Equatable {
  /// A signature could not be made (gpg or ssh-keygen failed, an unsupported format, a
  /// signed object that cannot be read back).
  case failed(String)
  /// An allowed-signers file that does not parse.
  case invalidAllowedSigners(path: String, line: Int, problem: String)

  public var description: String {
    switch self {
    case .failed(let reason):
      "cannot sign: \(reason)"
    case .invalidAllowedSigners(let path, let line, let problem):
      "\(path):\(line): \(problem); fix the allowed-signers file (ssh-keygen(1), ALLOWED SIGNERS)"
    }
  }
}
