// Hand-written (not generated): the properties of every P100Exception, whichever its subclass,
// read from details() (a `when` over the subclasses, generated from the core's list of error
// kinds by generate.sh: no call into Rust), the same values as the Swift properties of P100Error.
package io.p100.sdk

/** What kind of failure this is: `ErrorKind.VALIDATION`, `ErrorKind.API`…; `toString()` is `"validation"`. */
val P100Exception.kind: ErrorKind get() = details().kind

/** The readable explanation (never contains a secret). */
val P100Exception.reason: String get() = details().reason

/** The P-code (`"P412"`…), when the API sent one. */
val P100Exception.code: String? get() = details().code

/** The `errorName` the API sent (`"invalid-user"`…), when it sent one. */
val P100Exception.errorName: String? get() = details().errorName

/** The HTTP status, when a reply was received (null: no reply). */
val P100Exception.status: Int? get() = details().status

/** The server's request id, when it sent one. */
val P100Exception.requestId: String? get() = details().requestId

/**
 * True when sending the same call again cannot cause a duplicate operation and may pass next
 * time (never bad input, which is `NOT_SENT` but fails again until fixed).
 */
val P100Exception.isRetryable: Boolean get() = details().retryable

/** How long the server asked to wait before a retry (`Retry-After`), in milliseconds. */
val P100Exception.retryAfterMs: Long? get() = details().retryAfterMs

/** The request field at fault (`"destinationIban"`), for validation errors. */
val P100Exception.field: String? get() = details().field

/**
 * True when the server accepted the operation although this exception is thrown (its reply
 * could not be read): check the details endpoint with the ids in [rawBody], do not send again.
 */
val P100Exception.isAccepted: Boolean get() = details().accepted

/** The SDK operation that failed (`"sepa.partner_transfer"`…), when known. */
val P100Exception.operation: String? get() = details().operation

/** The server's reply with card numbers, CVVs, PINs and document numbers masked, when there was one. */
val P100Exception.rawBody: String? get() = details().rawBody?.reveal()

/**
 * Did the operation happen? `NOT_SENT` (it never left: safe to send again), `REJECTED` (a reply
 * said no: nothing happened), `UNKNOWN` (sent, no usable reply: `client.reconcile(e)`, or the
 * details endpoint when you have the id, before sending it again), `ACCEPTED` (it happened, its reply was unreadable); `toString()` is `"not_sent"`.
 */
val P100Exception.outcome: Outcome get() = details().outcome

/**
 * What a money-moving call sent (operation, amount, currency, destination, user, time sent),
 * when its outcome is `UNKNOWN` or `ACCEPTED`; null otherwise. `client.reconcile(e)` uses it to
 * look for the operation in the transaction history.
 */
val P100Exception.fingerprint: Fingerprint? get() = details().fingerprint
