/// A file the user asked a command to write (`--output`, `--html`): written whole through a
/// temporary file beside it, so the path never holds half a report; a failure is one of mlx's
/// errors naming the path the user gave.
public enum ReportFile {
  public static func write(_ text: String, to path: String) throws {
    do {
      try FileSystem.write(Array(text.utf8), atomicallyTo: path, durable: false)
    } catch let error as SystemError {
      throw SystemError("write", path: path, errno: error.errno)
    }
  }
}
