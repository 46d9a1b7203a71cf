import Foundation

/// Runs blocking work (a network request, a file copy) on a bounded number of threads of its
/// own.
///
/// `DispatchQueue.concurrentPerform` sizes itself to the cores, which suits hashing but not
/// work that mostly waits: eight uploads in flight on a two-core machine need eight threads.
enum BoundedParallelism {
  /// Calls `body` for every position in `0..<count`, on at most `width` threads at a time, and
  /// returns once all calls have. After the first error no new position is started; that
  /// error is rethrown.
  static func forEach(
    _ count: Int, width: Int, _ body: @escaping @Sendable (Int) throws -> Void
  ) throws {
    guard count > 0 else { return }
    let state = State()
    let threads = min(count, max(1, width))
    if threads == 1 {
      for position in 0..<count { try body(position) }
      return
    }
    let finished = DispatchGroup()
    for _ in 0..<threads {
      finished.enter()
      Thread.detachNewThread {
        while let position = state.take(below: count) {
          do {
            try body(position)
          } catch {
            state.fail(error)
          }
        }
        finished.leave()
      }
    }
    finished.wait()
    if let error = state.firstError { throw error }
  }

  private final class State: @unchecked Sendable {
    private let lock = Mutex()
    private var next = 0
    private var error: Error?

    /// The next position to run, or nil when all are taken or one has failed.
    func take(below count: Int) -> Int? {
      lock.withLock {
        guard error == nil, next < count else { return nil }
        defer { next += 1 }
        return next
      }
    }

    func fail(_ failure: Error) { lock.withLock { if error == nil { error = failure } } }

    var firstError: Error? { lock.withLock { error } }
  }
}
