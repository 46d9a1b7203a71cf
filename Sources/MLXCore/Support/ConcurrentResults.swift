import Foundation

/// Results of a `concurrentPerform`, one slot per iteration, and the first error thrown.
final class ConcurrentResults<Value>: @unchecked Sendable {
  private let lock = Mutex()
  private var slots: [Value?]
  private var firstError: Error?

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func record(_ position: Int, _ body: () throws -> Value) {
    do {
      let value = try body()
      lock.withLock { slots[position] = value }
    } catch {
      lock.withLock { if firstError == nil { firstError = error } }
    }
  }

  /// The values in order, or the first error any iteration threw.
  func values() throws -> [Value] {
    try lock.withLock {
      if let firstError { throw firstError }
      return slots.map { $0! }
    }
  }
}
