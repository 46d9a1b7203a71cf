/// A read-only buffer handed to other threads.
///
/// Raw buffer pointers are not `Sendable` because nothing stops a write while another thread
/// reads. Wrapping one here states the rule the code follows instead: the owner keeps the
/// memory alive and unmodified until every thread that got it is done (a `concurrentPerform`
/// returns, or a hashing queue signals).
struct BorrowedBytes: @unchecked Sendable {
  let buffer: UnsafeRawBufferPointer
  init(_ buffer: UnsafeRawBufferPointer) { self.buffer = buffer }
}

/// A value handed to one other thread that reads it while the owner does not change it.
struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
}
