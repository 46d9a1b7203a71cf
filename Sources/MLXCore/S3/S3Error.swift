/// What went wrong talking to an S3-compatible service, said so the user knows what to do.
public enum S3Error: Error, CustomStringConvertible, Sendable {
  /// No usable access key.
  case noCredentials(String)
  /// The service answered with an error status (`code` and `message` from its XML body).
  case service(location: String, status: Int, code: String, message: String)
  /// The service could not be reached, or stopped answering, after every retry.
  case transport(location: String, attempts: Int, reason: String)
  /// An answer mlx cannot read (bad XML, a missing field, a wrong length).
  case malformedResponse(location: String, reason: String)

  public var description: String {
    switch self {
    case .noCredentials(let reason):
      return "no S3 credentials: \(reason)"
    case .service(let location, let status, let code, let message):
      let advice: String =
        switch code {
        case "NoSuchBucket": "; create the bucket or fix the remote's URL"
        case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch":
          "; check the credentials and region (`mlx remote list` shows the remote)"
        case "NoSuchKey": "; the remote lacks it: push from a clone that has the data"
        default: ""
        }
      let text = message.isEmpty ? code : "\(code): \(message)"
      return "\(location): HTTP \(status) \(text)\(advice)"
    case .transport(let location, let attempts, let reason):
      return "\(location): \(reason) (after \(attempts) attempt\(attempts == 1 ? "" : "s")); "
        + "check the endpoint and network, then run the command again"
    case .malformedResponse(let location, let reason):
      return "\(location): unreadable answer from the service (\(reason))"
    }
  }

  /// The HTTP status of a service error.
  public var status: Int? {
    if case .service(_, let status, _, _) = self { return status }
    return nil
  }
}
