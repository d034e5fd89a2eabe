// Hand-written (not generated): the properties of `P100Error`.
//
// The generated enum has one case per kind of failure, each with the same associated values.
// Nobody should have to match them by position, so every value is a property here, read from
// `details()` (a `switch` over the cases, generated from the core's list of error kinds by
// `generate.sh`: no call into Rust, so an error the app built itself always prints):
//
//     do { … } catch let e as P100Error {
//         switch e.kind {
//         case .validation: print("fix \(e.field ?? "?"): \(e.reason)")
//         case .api where e.code == "P412": print("no such user")
//         default: print("\(e.kind) (retryable: \(e.isRetryable)): \(e)")
//         }
//     }
import Foundation

// `description` is the core's message (`errorMessage`, given the reason, code, status and
// request id): "[P412] user not found (HTTP 400) [request id …]".
// It never contains a secret, nor the raw body of the reply (read `rawBody` for that).
extension P100Error: CustomStringConvertible {}

extension P100Error {
    /// What kind of failure this is: `.validation`, `.authentication`, `.api`, `.rateLimited`,
    /// `.unavailable`, `.network`, `.timeout`, `.decode`, `.config`, `.webhookUnauthorized`,
    /// `.aborted`.
    /// Its `description` is the name every language uses (`"rate_limited"`).
    public var kind: ErrorKind { details().kind }

    /// The readable explanation (never contains a secret).
    public var reason: String { details().reason }

    /// The P-code (`"P412"`…), when the API sent one.
    public var code: String? { details().code }

    /// The `errorName` the API sent (`"invalid-user"`…), when it sent one.
    public var errorName: String? { details().errorName }

    /// The HTTP status, when a reply was received (`nil`: no reply).
    public var status: Int? { details().status.map(Int.init) }

    /// The server's request id, when it sent one.
    public var requestId: String? { details().requestId }

    /// True when sending the same call again cannot cause a duplicate operation and may pass
    /// next time (never bad input, which is `.notSent` but fails again until fixed).
    public var isRetryable: Bool { details().retryable }

    /// How long the server asked to wait before a retry (`Retry-After`), in milliseconds.
    public var retryAfterMs: Int? { details().retryAfterMs.map(Int.init) }

    /// The request field at fault (`"destinationIban"`), for validation errors.
    public var field: String? { details().field }

    /// True when the server accepted the operation although this error is thrown (its reply
    /// could not be read): check the details endpoint with the ids in `rawBody`, do not send
    /// the call again.
    public var isAccepted: Bool { details().accepted }

    /// The SDK operation that failed (`"sepa.partner_transfer"`…), when known.
    public var operation: String? { details().operation }

    /// The server's reply with card numbers, CVVs, PINs and document numbers masked, when
    /// there was one. Never part of `description`.
    public var rawBody: String? { details().rawBody?.reveal() }

    /// Did the operation happen? `.notSent` (it never left: safe to send again), `.rejected`
    /// (a reply said no: nothing happened), `.unknown` (sent, no usable reply: `client.reconcile`,
    /// or the details endpoint when you have the id, before sending it again), `.accepted` (it happened, its reply was unreadable).
    /// Its `description` is the name every language uses (`"not_sent"`).
    public var outcome: Outcome { details().outcome }

    /// What a money-moving call sent (operation, amount, currency, destination, user, time
    /// sent), when its outcome is `.unknown` or `.accepted`; `nil` otherwise.
    /// `client.reconcile(error:)` uses it to look for the operation in the transaction history.
    public var fingerprint: Fingerprint? { details().fingerprint }
}

// `dump(e)` and debuggers show the same properties, without the raw body.
extension P100Error: CustomReflectable {
    public var customMirror: Mirror {
        let d = details()
        return Mirror(
            self,
            children: [
                "kind": d.kind,
                "reason": d.reason,
                "code": d.code as Any,
                "status": d.status as Any,
                "requestId": d.requestId as Any,
                "isRetryable": d.retryable,
                "field": d.field as Any,
                "isAccepted": d.accepted,
                "outcome": d.outcome,
                "operation": d.operation as Any,
            ],
            displayStyle: .struct
        )
    }
}
