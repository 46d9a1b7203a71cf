#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Writes to standard error without going through C's shared `stderr` stream.
public enum StandardError {
  public static func write(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
      var done = 0
      while done < bytes.count {
        let count = Glibc.write(STDERR_FILENO, bytes.baseAddress! + done, bytes.count - done)
        if count <= 0 { return }
        done += count
      }
    }
  }
}
