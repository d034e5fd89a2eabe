//! The one error type of the SDK.

use std::fmt;
use std::time::Duration;

crate::string_enum! {
    /// Every P-code found in the P100 docs (and `P411`, named by the project brief but seen in
    /// no stored doc page). Codes not listed decode to `Unknown(code)`.
    pub enum ErrorCode {
        /// 202 — POA pending.
        P211 = "P211",
        /// 400 — validation error (aggregate; no `errorName`).
        P403 = "P403",
        /// 400 — `invalid-currency`: currency not found.
        P410 = "P410",
        /// 400 — user exists (an `externalUserId` was reused). *Inferred*: named by the
        /// project brief, never seen in the stored docs; do not rely on it alone.
        P411 = "P411",
        /// 400 — `invalid-user`: user does not exist.
        P412 = "P412",
        /// 400 — `partner-not-found`.
        P418 = "P418",
        /// 400 — `source-or-destination-required`.
        P424 = "P424",
        /// 400 — invalid file type.
        P426 = "P426",
        /// 404 — `sepa-transfer-not-found`.
        P428 = "P428",
        /// 400 — `forbidden-country`.
        P431 = "P431",
        /// 400 — `insufficient-funds`.
        P433 = "P433",
        /// 400 — card does not exist.
        P434 = "P434",
        /// 400 — file too large.
        P440 = "P440",
        /// 404 — KYC not found.
        P445 = "P445",
        /// 400 — POA already verified.
        P447 = "P447",
        /// 400 — `forbidden-country-card`.
        P451 = "P451",
        /// 400 — suspension is not possible due to active cards.
        P454 = "P454",
        /// 400 — `user-suspended`.
        P455 = "P455",
        /// 400 — user not verified.
        P459 = "P459",
        /// 404 — POA verification not found.
        P460 = "P460",
        /// 400 — user not extended.
        P461 = "P461",
        /// 400 — unknown exception.
        P500 = "P500",
        /// 400 — service temporarily unavailable.
        P501 = "P501",
    }
}

impl ErrorCode {
    /// The documented `errorName` (or a short description where the docs give no name).
    pub fn description(&self) -> &'static str {
        match self {
            ErrorCode::P211 => "poa-pending",
            ErrorCode::P403 => "validation-error",
            ErrorCode::P410 => "invalid-currency",
            ErrorCode::P411 => "user-exists",
            ErrorCode::P412 => "invalid-user",
            ErrorCode::P418 => "partner-not-found",
            ErrorCode::P424 => "source-or-destination-required",
            ErrorCode::P426 => "invalid-file-type",
            ErrorCode::P428 => "sepa-transfer-not-found",
            ErrorCode::P431 => "forbidden-country",
            ErrorCode::P433 => "insufficient-funds",
            ErrorCode::P434 => "card-not-exist",
            ErrorCode::P440 => "file-too-large",
            ErrorCode::P445 => "kyc-not-found",
            ErrorCode::P447 => "poa-already-verified",
            ErrorCode::P451 => "forbidden-country-card",
            ErrorCode::P454 => "suspension-not-possible-active-cards",
            ErrorCode::P455 => "user-suspended",
            ErrorCode::P459 => "user-not-verified",
            ErrorCode::P460 => "poa-verification-not-found",
            ErrorCode::P461 => "user-not-extended",
            ErrorCode::P500 => "unknown-exception",
            ErrorCode::P501 => "service-temporarily-unavailable",
            ErrorCode::Unknown(_) => "unknown",
        }
    }
}

/// The error kinds, defined once: each kind's doc, variant, stable name and the class name of
/// the JS and Python packages. A callback macro, like [`crate::for_each_operation!`]: it builds
/// [`ErrorKind`] here and the cases of Swift's and Kotlin's `P100Error`
/// (`core/src/bindings/uniffi.rs`).
#[macro_export]
#[doc(hidden)]
macro_rules! for_each_error_kind {
    ($callback:ident) => {
        $callback! {
            /// Bad input caught before anything was sent (or a P403 from the API). Has a `field`.
            Validation "validation" "ValidationError",
            /// 401: key missing (`xo1`), wrong (`xo2`) or IP not allowed (`xo3`).
            Authentication "authentication" "AuthenticationError",
            /// A business error from the API with a P-code (`P412`, `P433`, …).
            Api "api" "ApiError",
            /// 429: too many requests; the retry-after value says how long to wait when the
            /// server said.
            RateLimited "rate_limited" "RateLimitError",
            /// `P501` or an HTTP 5xx: the service is unavailable.
            Unavailable "unavailable" "UnavailableError",
            /// The request could not be completed on the network (refused, reset, DNS, TLS).
            Network "network" "NetworkError",
            /// No reply within the timeout (or a `waitFor` that ran out of time).
            Timeout "timeout" "TimeoutError",
            /// A reply that could not be read; `accepted` tells whether the operation was
            /// accepted.
            Decode "decode" "DecodeError",
            /// The client is misconfigured (no API key, bad base URL, …).
            Config "config" "ConfigError",
            /// A webhook delivery without the right `Authorization` token: answer it with 401.
            WebhookUnauthorized "webhook_unauthorized" "WebhookUnauthorizedError",
            /// The caller aborted the call (an abort signal, a cancelled call); the outcome says
            /// whether it may have reached P100 (`unknown`) or provably did not (`not_sent`).
            Aborted "aborted" "AbortError",
        }
    };
}

macro_rules! error_kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident $name:literal $class:literal, )+) => {
        /// What kind of failure an [`Error`] is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $( $(#[doc = $doc])* $variant, )+
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: [ErrorKind; [$($name),+].len()] = [$(ErrorKind::$variant),+];

            /// Stable lower-case name, used by the bindings (`"rate_limited"`, …).
            pub fn as_str(&self) -> &'static str {
                match self {
                    $( ErrorKind::$variant => $name, )+
                }
            }

            /// The name of the error class the JS and Python packages raise for this kind
            /// (`"ValidationError"`, `"RateLimitError"`…), defined once here for both.
            pub fn class_name(&self) -> &'static str {
                match self {
                    $( ErrorKind::$variant => $class, )+
                }
            }
        }
    };
}

for_each_error_kind!(error_kinds);

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Did the operation happen? The answer every [`Error`] gives, for money above all.
///
/// | outcome | meaning | what to do |
/// |---|---|---|
/// | `NotSent` | the request provably never left (validation, configuration, connection refused, DNS, connect timeout) | fix the input or retry: nothing can be duplicated |
/// | `Rejected` | a reply said no (4xx, P-codes, 401, 429) | nothing happened; fix the cause (or wait, for 429) and send again |
/// | `Unknown` | the request was sent and no usable reply came (timeout after sending, reset, 5xx, P500 (also written `500`, or after a byte-order mark); after a write also a 3xx, a 1xx, a 499, or a refusal whose body was lost before its code) | do **not** send it again blindly: [`crate::Client::reconcile`] or the details endpoint tells whether it happened |
/// | `Accepted` | a 2xx arrived but its body could not be read or decoded (or, after a write, its id is empty) | it happened: never send it again; the masked raw body may hold its id |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The request provably never left: sending it again cannot duplicate anything.
    NotSent,
    /// A reply said no: nothing happened.
    Rejected,
    /// Sent, no usable reply: it may or may not have happened.
    Unknown,
    /// A 2xx arrived (the operation happened) but its body could not be read or decoded.
    Accepted,
}

impl Outcome {
    /// Every outcome, in declaration order.
    pub const ALL: [Outcome; 4] = [
        Outcome::NotSent,
        Outcome::Rejected,
        Outcome::Unknown,
        Outcome::Accepted,
    ];

    /// Stable lower-case name, used by the bindings (`"not_sent"`, `"rejected"`, `"unknown"`,
    /// `"accepted"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::NotSent => "not_sent",
            Outcome::Rejected => "rejected",
            Outcome::Unknown => "unknown",
            Outcome::Accepted => "accepted",
        }
    }

    /// The outcome named by [`Outcome::as_str`] (`"not_sent"`…), for the bindings.
    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// What a caller should do, in one sentence (the same text in every language's docs).
    pub fn advice(&self) -> &'static str {
        match self {
            Outcome::NotSent => "the request never left: it is safe to send it again",
            Outcome::Rejected => "the server refused it: nothing happened",
            Outcome::Unknown => {
                "it may or may not have happened: reconcile (or check the details endpoint) \
                 before sending it again"
            }
            Outcome::Accepted => {
                "the server accepted it, so it happened (what failed came after: its reply \
                 could not be read, or a wait for its final state ended): do not send it again"
            }
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The one error type: every failure of the SDK is one of these.
///
/// Carries the HTTP status, the P-code when there is one, the request id when the server sent
/// one, and whether retrying the same call is safe. Its `Debug` and `Display` never contain the
/// API key, the webhook token or any other secret: messages are built by the SDK from
/// non-secret parts, and the raw body is only kept for server replies.
#[derive(Clone)]
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Clone, Default)]
struct Inner {
    kind: Option<ErrorKind>,
    message: String,
    status: Option<u16>,
    code: Option<ErrorCode>,
    error_name: Option<String>,
    field: Option<String>,
    request_id: Option<String>,
    retryable: bool,
    retry_after: Option<Duration>,
    raw_body: Option<String>,
    outcome: Option<Outcome>,
    operation: Option<&'static str>,
    fingerprint: Option<Box<crate::client::Fingerprint>>,
}

impl Error {
    /// A new error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            inner: Box::new(Inner {
                kind: Some(kind),
                message: message.into(),
                ..Inner::default()
            }),
        }
    }

    /// A validation error for `field`.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        let message = message.into();
        let mut e = Error::new(ErrorKind::Validation, format!("{field}: {message}"));
        e.inner.field = Some(field);
        e
    }

    /// A configuration error.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, message)
    }

    /// The same error as a configuration error (kind `Config`, same message and field): for
    /// bindings that check client settings with the shared validators.
    pub fn into_config(mut self) -> Self {
        self.inner.kind = Some(ErrorKind::Config);
        self
    }

    pub(crate) fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.inner.kind = Some(kind);
        self
    }

    pub(crate) fn with_message(mut self, message: impl Into<String>) -> Self {
        self.inner.message = message.into();
        self
    }
    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }
    pub(crate) fn with_code(mut self, code: ErrorCode) -> Self {
        self.inner.code = Some(code);
        self
    }
    pub(crate) fn with_error_name(mut self, name: Option<String>) -> Self {
        self.inner.error_name = name;
        self
    }
    pub(crate) fn with_request_id(mut self, id: Option<String>) -> Self {
        self.inner.request_id = id;
        self
    }
    pub(crate) fn with_retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }
    pub(crate) fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.inner.retry_after = d;
        self
    }
    /// This error without `secret` anywhere a server's text reached (message, raw body, error
    /// name, request id; a field or a code holding it is dropped): the client's API key, when a server
    /// or a proxy echoes it ([`crate::mask::without_secret`]).
    pub(crate) fn without_secret(mut self, secret: &str) -> Self {
        use crate::mask::without_secret as scrub;
        let inner = &mut *self.inner;
        inner.message = scrub(&inner.message, secret);
        for text in [
            &mut inner.raw_body,
            &mut inner.error_name,
            &mut inner.request_id,
        ] {
            *text = text.as_deref().map(|t| scrub(t, secret));
        }
        if inner
            .field
            .as_deref()
            .is_some_and(|f| scrub(f, secret) != f)
        {
            inner.field = None;
        }
        if inner.code.as_ref().is_some_and(|c| {
            let text = c.to_string();
            scrub(&text, secret) != text
        }) {
            inner.code = None;
        }
        self
    }
    /// This error without the secret values its request sent (`values`: a PIN, a document
    /// number, a date of birth) where a server's text reached: message, raw body, error name,
    /// request id ([`crate::mask::without_values`]), and no field read from a message that
    /// starts with one (`"7319 is not a valid pin"`), nor a code that is one.
    pub(crate) fn without_values(mut self, values: &[String]) -> Self {
        if values.is_empty() {
            return self;
        }
        use crate::mask::without_values as scrub;
        let inner = &mut *self.inner;
        inner.message = scrub(&inner.message, values);
        for text in [
            &mut inner.raw_body,
            &mut inner.error_name,
            &mut inner.request_id,
        ] {
            *text = text.as_deref().map(|t| scrub(t, values));
        }
        if inner
            .field
            .as_deref()
            .is_some_and(|f| scrub(f, values) != f)
        {
            inner.field = None;
        }
        if inner.code.as_ref().is_some_and(|c| {
            let text = c.to_string();
            scrub(&text, values) != text
        }) {
            inner.code = None;
        }
        self
    }
    /// Keeps a server reply, always through [`crate::mask::mask_secrets`].
    pub(crate) fn with_raw_body(mut self, body: &str) -> Self {
        self.inner.raw_body = Some(crate::mask::mask_secrets(body));
        self
    }
    /// An argument of `wait_for` on `id` refused before any poll (a wait option out of bounds,
    /// options that are not an object): the operation `id` names was accepted, and a `wait_for`
    /// error never invites sending it again, so the outcome is [`Outcome::Accepted`]. An empty
    /// id names nothing and stays [`Outcome::NotSent`]. Bindings call it on their own refusals.
    pub fn refused_wait(self, id: &str) -> Self {
        if id.trim().is_empty() {
            self
        } else {
            self.with_outcome(Outcome::Accepted)
        }
    }
    /// The same error with `outcome` instead of the one its kind implies: for code that knows
    /// more than the kind says (a tool whose own request never connected: `NotSent`). Calls of
    /// the client set it themselves.
    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.inner.outcome = Some(outcome);
        let accepted = self.outcome() == Outcome::Accepted;
        if let Some(fp) = self.inner.fingerprint.as_mut() {
            fp.accepted = accepted;
        }
        self
    }
    /// Keeps the fingerprint, marked `accepted` when this error's outcome is.
    pub(crate) fn with_fingerprint(mut self, fp: Option<crate::client::Fingerprint>) -> Self {
        let accepted = self.outcome() == Outcome::Accepted;
        self.inner.fingerprint =
            fp.map(|fp| Box::new(crate::client::Fingerprint { accepted, ..fp }));
        self
    }
    pub(crate) fn with_operation(mut self, op: &'static str) -> Self {
        self.inner.operation = Some(op);
        self
    }
    pub(crate) fn with_field(mut self, field: impl Into<String>) -> Self {
        self.inner.field = Some(field.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind.unwrap_or(ErrorKind::Api)
    }
    /// A human-readable explanation (never contains secrets).
    pub fn message(&self) -> &str {
        &self.inner.message
    }
    /// The HTTP status, when a reply was received.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }
    /// The P-code (`P412`…), when the server sent one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.inner.code.as_ref()
    }
    /// The `errorName` the server sent (`invalid-user`…), when it sent one.
    pub fn error_name(&self) -> Option<&str> {
        self.inner.error_name.as_deref()
    }
    /// The request field at fault, for validation errors.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }
    /// The server's request id (`x-request-id` and similar headers), when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }
    /// True when sending the same call again cannot cause a duplicate operation.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }
    /// How long the server asked to wait (`Retry-After`), when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }
    /// The raw reply body, when there was one (API errors, decode errors).
    pub fn raw_body(&self) -> Option<&str> {
        self.inner.raw_body.as_deref()
    }
    /// True when the server accepted the operation (2xx) even though this error is returned —
    /// e.g. a reply that could not be read or decoded. Do not send the call again. The same as
    /// `outcome() == Outcome::Accepted`.
    pub fn accepted(&self) -> bool {
        self.outcome() == Outcome::Accepted
    }
    /// Did the operation happen? See [`Outcome`].
    pub fn outcome(&self) -> Outcome {
        if let Some(o) = self.inner.outcome {
            return o;
        }
        match self.kind() {
            ErrorKind::Validation if self.inner.status.is_some() => Outcome::Rejected,
            ErrorKind::Validation | ErrorKind::Config => Outcome::NotSent,
            ErrorKind::Authentication
            | ErrorKind::Api
            | ErrorKind::RateLimited
            | ErrorKind::WebhookUnauthorized => Outcome::Rejected,
            ErrorKind::Unavailable
            | ErrorKind::Network
            | ErrorKind::Timeout
            | ErrorKind::Aborted => Outcome::Unknown,
            ErrorKind::Decode => match self.inner.status {
                Some(s) if (200..300).contains(&s) => Outcome::Accepted,
                _ => Outcome::Unknown,
            },
        }
    }
    /// What was sent, for a call whose outcome is [`Outcome::Unknown`] or
    /// [`Outcome::Accepted`] and that moves money: the input of [`crate::Client::reconcile`].
    pub fn fingerprint(&self) -> Option<&crate::client::Fingerprint> {
        self.inner.fingerprint.as_deref()
    }
    /// The name of the operation that failed (`"sepa.partner_transfer"`…), when known.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let code = i.code.as_ref().map(ErrorCode::as_str);
        f.write_str(&message_text(
            &i.message,
            code,
            i.status.map(i32::from),
            i.request_id.as_deref(),
        ))
    }
}

/// The message of an error from its parts, as every language shows it:
/// `"[P412] user not found (HTTP 400) [request id abc]"`. Swift's `description` and Kotlin's
/// `toString()` call it with the error's own fields (`errorMessage`), so that an error the app
/// built itself prints without the core reading the rest of it (its fingerprint's amount).
pub fn message_text(
    reason: &str,
    code: Option<&str>,
    status: Option<i32>,
    request_id: Option<&str>,
) -> String {
    let mut out = String::with_capacity(reason.len() + 48);
    if let Some(code) = code {
        out.push_str(&format!("[{code}] "));
    }
    out.push_str(reason);
    if let Some(status) = status {
        out.push_str(&format!(" (HTTP {status})"));
    }
    if let Some(id) = request_id {
        out.push_str(&format!(" [request id {id}]"));
    }
    out
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind()).field("message", &i.message);
        if let Some(s) = i.status {
            d.field("status", &s);
        }
        if let Some(c) = &i.code {
            d.field("code", c);
        }
        if let Some(n) = &i.error_name {
            d.field("error_name", n);
        }
        if let Some(fl) = &i.field {
            d.field("field", fl);
        }
        if let Some(r) = &i.request_id {
            d.field("request_id", r);
        }
        d.field("retryable", &i.retryable);
        d.field("outcome", &self.outcome());
        if let Some(op) = i.operation {
            d.field("operation", &op);
        }
        d.finish()
    }
}

/// No source: every fact of the cause is in the message already, with secrets masked (a
/// transport error's own text may hold a URL with a card number typed into an id, unmasked).
impl std::error::Error for Error {}

/// A text that is not an amount (`"12,50".parse::<Amount>()?` in a function returning
/// [`crate::Result`]): a validation error before anything is sent. It names no field (the
/// text alone does not say which); use [`Error::validation`] to name one.
impl From<crate::money::ParseAmountError> for Error {
    fn from(e: crate::money::ParseAmountError) -> Self {
        Error::new(ErrorKind::Validation, e.to_string())
    }
}

/// The text of a panic payload (a bug inside the SDK): its message, or a placeholder.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

/// The message of the error of kind `"internal"` (Node and Python) that a bug inside the SDK
/// becomes instead of a crash: `what` went wrong (a panic's text), secrets masked, and what it
/// means for the call (outcome `unknown`).
pub fn internal_message(what: &str) -> String {
    crate::mask::mask_secrets(&format!(
        "internal error in the P100 SDK (a bug; please report it): {what}. The call may or may \
         not have been sent: check before sending it again"
    ))
}

/// Every fact of an [`Error`] as plain values, for the language packages: Swift's and Kotlin's
/// `P100ErrorDetails` (what `e.details()` returns; the error's properties `e.kind`, `e.code`,
/// `e.status`, `e.requestId`, `e.isRetryable`… read it, so that no code matches a case
/// positionally) and the details of the JavaScript error classes (serialized, camelCase names).
/// Holds no secret: `reason` is the message and `raw_body` is masked (and a `Secret` in Kotlin and
/// Swift, so that printing the details never shows the server's reply: it still holds names and
/// IBANs).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Record),
    uniffi(name = "P100ErrorDetails")
)]
pub struct ErrorDetails {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// Readable explanation (never contains a secret).
    pub reason: String,
    /// P-code (`"P412"`…), when the API sent one.
    pub code: Option<String>,
    /// `errorName` from the API (`"invalid-user"`…), when sent.
    pub error_name: Option<String>,
    /// HTTP status, when a reply was received (none: nothing was sent).
    pub status: Option<i32>,
    /// The server's request id, when sent.
    pub request_id: Option<String>,
    /// True when the same call can be sent again safely.
    pub retryable: bool,
    /// How long the server asked to wait before a retry, in milliseconds.
    pub retry_after_ms: Option<i64>,
    /// The request field at fault (validation errors).
    pub field: Option<String>,
    /// True when the server accepted the operation despite this error: check the details
    /// endpoint, do not send the call again.
    pub accepted: bool,
    /// The SDK operation that failed (`"sepa.partner_transfer"`…), when known.
    pub operation: Option<String>,
    /// The server's reply with secrets masked, when there was one (API errors, unreadable
    /// replies: for an accepted operation it holds the ids to check the details endpoint with).
    pub raw_body: Option<crate::SecretString>,
    /// Did the operation happen? `NotSent`, `Rejected`, `Unknown` or `Accepted`.
    pub outcome: Outcome,
    /// What a money-moving call sent, when its outcome is `Unknown` or `Accepted`: the input of
    /// `client.reconcile(error)`. None for other errors.
    pub fingerprint: Option<crate::client::Fingerprint>,
}

impl From<&Error> for ErrorDetails {
    fn from(e: &Error) -> Self {
        ErrorDetails {
            kind: e.kind(),
            reason: e.message().to_string(),
            code: e.code().map(|c| c.as_str().to_string()),
            error_name: e.error_name().map(str::to_string),
            status: e.status().map(i32::from),
            request_id: e.request_id().map(str::to_string),
            retryable: e.is_retryable(),
            retry_after_ms: e
                .retry_after()
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            field: e.field().map(str::to_string),
            accepted: e.accepted(),
            operation: e.operation().map(str::to_string),
            raw_body: e.raw_body().map(crate::SecretString::new),
            outcome: e.outcome(),
            fingerprint: e.fingerprint().cloned(),
        }
    }
}

impl serde::Serialize for ErrorKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl serde::Serialize for Outcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// `Result` with the SDK's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_and_describe() {
        assert_eq!(ErrorCode::parse("p433"), ErrorCode::P433);
        assert_eq!(ErrorCode::P433.description(), "insufficient-funds");
        assert_eq!(ErrorCode::parse("P999"), ErrorCode::Unknown("P999".into()));
    }

    #[test]
    fn every_kind_has_a_distinct_class_name() {
        let names: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(ErrorKind::class_name).collect();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert!(names.iter().all(|n| n.ends_with("Error")));
    }

    #[test]
    fn a_panic_is_an_internal_message_without_secrets() {
        let boom = std::panic::catch_unwind(|| -> () {
            std::panic::panic_any(format!("card {}", "4111 1111 1111 1111"))
        });
        let text = panic_text(&*boom.unwrap_err());
        assert_eq!(text, "card 4111 1111 1111 1111");
        let m = internal_message(&text);
        assert!(m.starts_with("internal error in the P100 SDK"), "{m}");
        assert!(m.ends_with("check before sending it again"), "{m}");
        assert!(!m.contains("4111 1111 1111 1111"), "{m}");
        assert_eq!(panic_text(&7_u8), "a panic without a message");
    }

    #[test]
    fn validation_names_field() {
        let e = Error::validation("destinationIban", "checksum is wrong");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some("destinationIban"));
        assert!(e.to_string().contains("destinationIban"));
        let c = e.into_config();
        assert_eq!(c.kind(), ErrorKind::Config);
        assert_eq!(c.field(), Some("destinationIban"));
    }

    #[test]
    fn details_are_every_fact_with_stable_names_and_a_masked_body() {
        let e = Error::new(ErrorKind::RateLimited, "slow down")
            .with_status(429)
            .with_code(ErrorCode::parse("P429"))
            .with_request_id(Some("req-1".into()))
            .with_retryable(true)
            .with_retry_after(Some(Duration::from_millis(1500)))
            .with_raw_body(r#"{"cvv":"123","message":"slow down"}"#)
            .with_outcome(Outcome::Rejected)
            .with_operation("sepa.partner_transfer");
        let d = serde_json::to_value(ErrorDetails::from(&e)).unwrap();
        assert_eq!(d["kind"], "rate_limited");
        assert_eq!(d["outcome"], "rejected");
        assert_eq!(d["status"], 429);
        assert_eq!(d["code"], "P429");
        assert_eq!(d["requestId"], "req-1");
        assert_eq!(d["retryable"], true);
        assert_eq!(d["retryAfterMs"], 1500);
        assert_eq!(d["accepted"], false);
        assert_eq!(d["operation"], "sepa.partner_transfer");
        assert_eq!(d["field"], serde_json::Value::Null);
        assert_eq!(d["fingerprint"], serde_json::Value::Null);
        assert_eq!(d["reason"], e.message());
        let body = d["rawBody"].as_str().unwrap();
        assert!(
            body.contains("slow down") && !body.contains("123"),
            "{body}"
        );
    }
}
