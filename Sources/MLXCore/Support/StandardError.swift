#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Writes to standard error without going through C's shared `stderr` stream.
public enum StandardError {
  public static func write(_ text: String) { UnbufferedWriter.write(text, to: STDERR_FILENO) }
}

/// Writes to standard output at once, unbuffered, so lines mlx prints interleave correctly
/// with the output of the commands it runs.
public enum StandardOutput {
  public static func write(_ text: String) { UnbufferedWriter.write(text, to: STDOUT_FILENO) }
}

private enum UnbufferedWriter {
  static func write(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { bytes in
      var done = 0
      while done < bytes.count {
        let count = Glibc.write(descriptor, bytes.baseAddress! + done, bytes.count - done)
        if count <= 0 { return }
        done += count
      }
    }
  }
}
