// Hand-written (not generated): conveniences over the generated `P100Error`.
import Foundation

extension P100Error: CustomStringConvertible {}

public extension P100Error {
    /// The readable explanation (never contains a secret) — the `reason` of any case.
    var reason: String {
        switch self {
        case let .Validation(reason, _, _, _, _, _, _, _, _, _, _),
             let .Authentication(reason, _, _, _, _, _, _, _, _, _, _),
             let .Api(reason, _, _, _, _, _, _, _, _, _, _),
             let .RateLimited(reason, _, _, _, _, _, _, _, _, _, _),
             let .Unavailable(reason, _, _, _, _, _, _, _, _, _, _),
             let .Network(reason, _, _, _, _, _, _, _, _, _, _),
             let .Timeout(reason, _, _, _, _, _, _, _, _, _, _),
             let .Decode(reason, _, _, _, _, _, _, _, _, _, _),
             let .Config(reason, _, _, _, _, _, _, _, _, _, _),
             let .WebhookUnauthorized(reason, _, _, _, _, _, _, _, _, _, _):
            return reason
        }
    }
}
