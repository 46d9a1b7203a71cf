import Dispatch

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// Receives progress from long operations; implementations must be thread-safe.
public protocol ProgressReporter: AnyObject, Sendable {
  /// Starts a phase of `total` units (bytes or files).
  func begin(_ title: String, total: Int64, unit: ProgressUnit)
  /// Adds `amount` units done.
  func advance(by amount: Int64)
  /// Ends the phase.
  func finish()
}

/// What a progress count measures.
public enum ProgressUnit: Sendable { case bytes, files }

/// Reports nothing: for scripts, CI and `--quiet`.
public final class SilentProgress: ProgressReporter {
  public init() {}
  public func begin(_ title: String, total: Int64, unit: ProgressUnit) {}
  public func advance(by amount: Int64) {}
  public func finish() {}
}

/// A one-line progress bar on standard error, redrawn at most ten times a second.
public final class TerminalProgressBar: ProgressReporter, @unchecked Sendable {
  private let lock = Mutex()
  private var title = ""
  private var total: Int64 = 0
  private var done: Int64 = 0
  private var unit = ProgressUnit.bytes
  private var started = DispatchTime.now()
  private var lastDraw: UInt64 = 0
  private var drawn = false

  public init() {}

  /// True when standard error is a terminal and no CI variable is set: when a bar helps.
  public static var isUseful: Bool {
    isatty(STDERR_FILENO) == 1 && getenv("CI") == nil
      && getenv("TERM").map { String(cString: $0) } != "dumb"
  }

  public func begin(_ title: String, total: Int64, unit: ProgressUnit) {
    lock.withLock {
      self.title = title
      self.total = total
      self.unit = unit
      done = 0
      started = .now()
      lastDraw = 0
    }
  }

  public func advance(by amount: Int64) {
    lock.withLock {
      done += amount
      let now = DispatchTime.now().uptimeNanoseconds
      if now - lastDraw > 100_000_000 {
        lastDraw = now
        draw()
      }
    }
  }

  public func finish() {
    lock.withLock {
      if drawn { StandardError.write("\r\u{1B}[K") }
      drawn = false
    }
  }

  private func draw() {
    let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
    let width = 24
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
    let amount: String
    switch unit {
    case .bytes:
      let rate = seconds > 0 ? Int64(Double(done) / seconds) : 0
      amount = "\(ByteCount.format(done))/\(ByteCount.format(total))  \(ByteCount.format(rate))/s"
    case .files:
      amount = "\(done)/\(total) files"
    }
    StandardError.write("\r\u{1B}[K\(title) [\(bar)] \(Int(fraction * 100))%  \(amount)")
    drawn = true
  }
}
