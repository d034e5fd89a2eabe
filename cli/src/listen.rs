//! `p100 listen` (the sandbox's webhook deliveries forwarded to a local URL) and `p100 trigger`
//! (the sandbox emits an event), through the sandbox's `/_sandbox/*` controls.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use clap::Args;
use serde_json::{json, Value};
use tokio::sync::mpsc;

const DEFAULT_SANDBOX: &str = "http://127.0.0.1:8080";

/// How long a control of the sandbox (registering listen, a trigger) may take: the sandbox
/// answers them at once, so one that does not answer is reported instead of waited for.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(10);

/// How long listen's clean-up (giving the webhook target back) may take when it stops: a
/// sandbox that no longer answers (stopped, at a breakpoint) must not keep Ctrl-C from ending
/// it.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(2);

/// How long the app at `--forward-to` has to answer a delivery: less than the sandbox's own
/// 10 s, so that listen, not the sandbox, gives up first, says so, and answers 504 (the
/// sandbox then retries, as P100 does), instead of a silent duplicate delivery.
const FORWARD_TIMEOUT: Duration = Duration::from_secs(9);

#[derive(Args, Debug)]
pub struct ListenArgs {
    /// Local URL each delivery is forwarded to (POST, with the `Authorization` token).
    #[arg(long, value_name = "URL")]
    forward_to: String,
    /// The sandbox (default: P100_BASE_URL, which must then be a loopback address; without it
    /// http://127.0.0.1:8080). Never a P100 host: the controls carry the webhook token.
    #[arg(long, value_name = "URL")]
    sandbox_url: Option<String>,
    /// Webhook token the sandbox signs with and the forwarded requests carry (default: a new
    /// one, printed once at start-up for your app's configuration).
    #[arg(long, env = "P100_WEBHOOK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Stop after this many deliveries (default: run until Ctrl-C).
    #[arg(long)]
    count: Option<u64>,
}

#[derive(Args, Debug)]
pub struct TriggerArgs {
    /// The event: user_status, kyc_file, kyc_verification, sepa_transfer, crypto_deposit,
    /// exchange, card_3ds_code, … (`p100 trigger --list` prints them all).
    #[arg(required_unless_present = "list")]
    event: Option<String>,
    /// The user the event is about (default: one the sandbox picks or creates).
    #[arg(long = "user", value_name = "EXTERNAL_USER_ID")]
    user: Option<String>,
    /// Prints the event names and exits.
    #[arg(long)]
    list: bool,
    /// Prints the event's secrets (a 3-D Secure or activation code) in clear.
    #[arg(long)]
    reveal: bool,
    /// The sandbox (default: P100_BASE_URL, which must then be a loopback address; without it
    /// http://127.0.0.1:8080). Never a P100 host: the controls carry the webhook token.
    #[arg(long, value_name = "URL")]
    sandbox_url: Option<String>,
}

/// The sandbox to control: `--sandbox-url`, else `P100_BASE_URL` if it is a loopback address,
/// else the default. The controls carry a webhook token and ask for events: a P100 host (or,
/// from the environment, any remote host: the staging settings of an app) is refused before
/// anything is sent.
fn sandbox_url(given: Option<String>) -> p100::Result<String> {
    let (url, field) = match given {
        Some(url) => (url, "sandbox-url"),
        None => match std::env::var("P100_BASE_URL") {
            Ok(url) if !url.trim().is_empty() => (url, "P100_BASE_URL"),
            _ => (DEFAULT_SANDBOX.to_string(), "sandbox-url"),
        },
    };
    let bad = || {
        p100::Error::validation(
            field,
            "must be an http:// URL of a sandbox (http://127.0.0.1:8080)",
        )
    };
    let parsed = reqwest::Url::parse(&url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || !parsed.has_host() {
        return Err(bad());
    }
    // `partner-api.p100.io.` (a trailing dot) is the same host.
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host = host.as_str();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    let p100_host = host == "p100.io" || host.ends_with(".p100.io");
    if p100_host || (field == "P100_BASE_URL" && !loopback) {
        return Err(p100::Error::validation(
            field,
            format!(
                "{host} is not a local sandbox: listen and trigger only talk to a sandbox \
                 (`p100 sandbox`); name one with --sandbox-url"
            ),
        ));
    }
    Ok(url.trim_end_matches('/').to_string())
}

fn network(e: &reqwest::Error) -> p100::Error {
    let error = p100::Error::new(
        p100::ErrorKind::Network,
        format!("the sandbox did not answer: {e}"),
    );
    // No connection, nothing sent: exit 1, not 4 ("may have happened").
    if e.is_connect() {
        error.with_outcome(p100::Outcome::NotSent)
    } else {
        error
    }
}

/// The HTTP client of the sandbox's controls and of the forwarding: never through a proxy of
/// the environment (`HTTP_PROXY`, `ALL_PROXY`): the sandbox is local, the controls carry the
/// webhook token, and `--forward-to` is a local app. No redirects: the token stays where it
/// was sent. Each request has its own timeout.
fn local_client(timeout: Option<Duration>) -> p100::Result<reqwest::Client> {
    let builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none());
    match timeout {
        Some(t) => builder.timeout(t),
        None => builder,
    }
    .build()
    .map_err(|e| p100::Error::config(format!("the HTTP client could not start: {e}")))
}

/// POSTs a control of the sandbox (a GET without a body) and returns its JSON reply (an error
/// reply becomes an error naming the control); no answer within `timeout` is an error.
async fn control(
    http: &reqwest::Client,
    base: &str,
    path: &str,
    body: Option<Value>,
    timeout: Duration,
) -> p100::Result<Value> {
    let url = format!("{base}{path}");
    let request = match body {
        Some(body) => http
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string()),
        None => http.get(url),
    };
    let r = request
        .timeout(timeout)
        .send()
        .await
        .map_err(|e| network(&e))?;
    let status = r.status().as_u16();
    let text = r.text().await.map_err(|e| network(&e))?;
    let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if !(200..300).contains(&status) {
        let why = value
            .get("message")
            .or_else(|| value.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("refused")
            .to_string();
        return Err(p100::Error::new(
            p100::ErrorKind::Api,
            format!("the sandbox refused {path} (HTTP {status}): {why}"),
        ));
    }
    Ok(value)
}

struct Receiver {
    verifier: p100::webhooks::Verifier,
    token: String,
    forward_to: String,
    http: reqwest::Client,
    /// One message per line printed: `Err` when stdout could not be written.
    lines: mpsc::UnboundedSender<std::io::Result<bool>>,
}

impl Receiver {
    /// Prints one line on stdout and tells the session loop (which stops on a failed write);
    /// `delivery`: the line is a delivery that passed the token check (what `--count` counts:
    /// any local process could end the session with refused requests before, outside review,
    /// stop 48).
    fn line(&self, text: &str, delivery: bool) {
        let written = crate::write_out(format!("{text}\n").as_bytes());
        let _ = self.lines.send(written.map(|()| delivery));
    }
}

/// The most telling id of an event's payload.
fn event_id(payload: &Value) -> String {
    const KEYS: [&str; 9] = [
        "transactionId",
        "transferId",
        "exchangeId",
        "withdrawalId",
        "depositId",
        "orderId",
        "paymentLinkId",
        "cardId",
        "externalUserId",
    ];
    let flat = payload.get("data").unwrap_or(payload);
    KEYS.iter()
        .find_map(|k| flat.get(*k).and_then(Value::as_str))
        .or_else(|| flat.get("id").and_then(Value::as_str))
        .unwrap_or("-")
        .to_string()
}

async fn receive(State(rx): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // Read as the SDK reads it: a body that is not UTF-8 is refused (400), never passed on as
    // a lossy copy that looked like an event here (outside review, stop 48).
    let parsed = rx
        .verifier
        .verify_and_read(auth.as_deref(), || Ok(body.to_vec()));
    let (name, status, id) = match parsed {
        Ok(event) => {
            let v = serde_json::to_value(&event).unwrap_or(Value::Null);
            let status = v
                .get("data")
                .unwrap_or(&v)
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("-")
                .to_string();
            (event.name().to_string(), status, event_id(&v))
        }
        Err(e) => {
            rx.line(&format!("{:<22} refused: {}", "?", e.message()), false);
            // A wrong token is 401; a body that is not JSON (the token was right) is 400.
            return if e.kind() == p100::ErrorKind::WebhookUnauthorized {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::BAD_REQUEST
            };
        }
    };
    let answer = rx
        .http
        .post(&rx.forward_to)
        .header("authorization", &rx.token)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await;
    let (shown, code) = match answer {
        Ok(r) => (r.status().as_u16().to_string(), r.status().as_u16()),
        // The sandbox would give up after its 10 s and deliver again: listen gives up first,
        // says so, and answers 504 (the sandbox retries later, as P100 does).
        Err(e) if e.is_timeout() => (
            format!("timeout (no answer within {} s)", FORWARD_TIMEOUT.as_secs()),
            504,
        ),
        Err(e) => (
            format!(
                "failed ({})",
                if e.is_connect() {
                    "connection refused"
                } else {
                    "no answer"
                }
            ),
            502,
        ),
    };
    rx.line(
        &format!(
            "{name:<22} {status:<12} {id:<38} -> {} {shown}",
            rx.forward_to
        ),
        true,
    );
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY)
}

/// A given webhook token as listen uses it: without the spaces and line ends around it (as the
/// core's Verifier reads it: `P100_WEBHOOK_TOKEN=$'tok\n'` is `tok`, which the sandbox could not
/// otherwise put in a header), and refused with a control character inside. The token itself
/// is never printed.
fn session_token(given: &str) -> p100::Result<String> {
    let token = given.trim();
    if token.is_empty() {
        return Err(p100::Error::validation(
            "token",
            "is empty (--token or P100_WEBHOOK_TOKEN; without either, listen makes one up)",
        ));
    }
    if token.chars().any(char::is_control) {
        return Err(p100::Error::validation(
            "token",
            "holds a control character (a line break or a tab within it: --token or \
             P100_WEBHOOK_TOKEN must be the token alone)",
        ));
    }
    Ok(token.to_string())
}

pub async fn listen(a: ListenArgs) -> p100::Result<ExitCode> {
    // Checked before the sandbox is told anything: a URL without a scheme or host would make
    // every delivery fail as "no answer".
    let target = reqwest::Url::parse(&a.forward_to).ok();
    if !target.is_some_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host()) {
        return Err(p100::Error::validation(
            "forward-to",
            "must be an http:// or https:// URL (http://127.0.0.1:3000/webhooks)",
        ));
    }
    // `--count 0` would stop after the first delivery: without --count, listen runs on.
    if a.count == Some(0) {
        return Err(p100::Error::validation(
            "count",
            "must be at least 1 (without --count, listen runs until Ctrl-C)",
        ));
    }
    let base = sandbox_url(a.sandbox_url)?;
    let generated = a.token.is_none();
    let token = match a.token {
        Some(given) => session_token(&given)?,
        None => format!("whtok_{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)),
    };
    let verifier = p100::webhooks::Verifier::new(token.clone())?;
    let http = local_client(None)?;
    let (lines, mut seen) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver {
        verifier,
        token: token.clone(),
        forward_to: a.forward_to.clone(),
        http: local_client(Some(FORWARD_TIMEOUT))?,
        lines,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| p100::Error::config(format!("no local port for the receiver: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| p100::Error::config(format!("no local port for the receiver: {e}")))?
        .port();
    let app = Router::new().route("/", post(receive)).with_state(state);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let receiver = format!("http://127.0.0.1:{port}/");
    // A target already set (`p100 sandbox --webhook-url`, another listen) is replaced while
    // this session runs; the sandbox does not give its token back, so it cannot be restored.
    let before = control(&http, &base, "/_sandbox/webhooks", None, CONTROL_TIMEOUT).await;
    if before.is_ok_and(|t| t.get("url").and_then(Value::as_str).is_some()) {
        say!(
            "p100 listen: warning: the sandbox had a webhook target before this session \
             (`p100 sandbox --webhook-url`, or another listen); listen replaces it until it \
             exits, and cannot restore it then (its token is not known here): set it again \
             afterwards"
        );
    }
    control(
        &http,
        &base,
        "/_sandbox/webhooks",
        Some(json!({ "url": receiver, "token": token })),
        CONTROL_TIMEOUT,
    )
    .await?;
    say!(
        "p100 listen: the sandbox at {base} delivers its webhooks here; forwarding to {}",
        a.forward_to
    );
    if generated {
        say!("p100 listen: webhook token for your app (this session): {token}");
    }
    // One listener for the whole session, listening before "ready" is said: a SIGTERM sent
    // right after it (or between two deliveries) still ends the loop and its clean-up.
    let stop = crate::interrupted();
    tokio::pin!(stop);
    let mut signal = tokio::select! {
        biased;
        (_, n) = &mut stop => Some(n),
        () = std::future::ready(()) => None,
    };
    let mut output_failed = None;
    if signal.is_none() {
        say!("p100 listen: ready (Ctrl-C stops)");
        let mut n = 0u64;
        loop {
            tokio::select! {
                (_, n) = &mut stop => {
                    signal = Some(n);
                    break;
                }
                got = seen.recv() => {
                    match got {
                        None => break,
                        Some(Ok(true)) => {}
                        Some(Ok(false)) => continue,
                        // A reader gone (`| head -3`) or a full disk ends the session with its
                        // clean-up, not at once (the sandbox would go on delivering to a
                        // closed port).
                        Some(Err(e)) => {
                            output_failed = Some(e);
                            break;
                        }
                    }
                    n += 1;
                    if a.count.is_some_and(|c| n >= c) { break; }
                }
            }
        }
    }
    // The sandbox stops delivering here once the listener is gone, unless another session (or
    // `POST /_sandbox/webhooks`) has set its target since: that one is left as it is. At most
    // CLEANUP_TIMEOUT: a sandbox that no longer answers does not keep listen from ending, and a
    // second signal ends it at once.
    let cleanup = tokio::time::timeout(CLEANUP_TIMEOUT, async {
        // A clear that holds only while the target is still ours (`ifUrl`, compare and set):
        // a read then a clear would clear a session that registered in between. The read
        // first keeps a sandbox older than `ifUrl` (which ignores it) from clearing another's.
        let now = control(&http, &base, "/_sandbox/webhooks", None, CLEANUP_TIMEOUT).await?;
        if now.get("url").and_then(Value::as_str) == Some(receiver.as_str()) {
            let off = Some(json!({ "url": null, "ifUrl": receiver }));
            control(&http, &base, "/_sandbox/webhooks", off, CLEANUP_TIMEOUT).await?;
        }
        Ok::<(), p100::Error>(())
    });
    let again = tokio::select! {
        _ = cleanup => None,
        (_, n) = crate::interrupted() => Some(n),
    };
    server.abort();
    if let Some(n) = again {
        return Ok(crate::interrupted_code(n));
    }
    match output_failed {
        Some(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(ExitCode::SUCCESS),
        Some(e) => {
            say!("p100: error: the output could not be written on stdout: {e}");
            return Ok(ExitCode::FAILURE);
        }
        None => {}
    }
    // Stopped by a signal: 128 + its number, as the README's exit codes say.
    Ok(signal.map_or(ExitCode::SUCCESS, crate::interrupted_code))
}

pub async fn trigger(a: TriggerArgs) -> p100::Result<ExitCode> {
    if a.list {
        for name in p100::webhooks::EVENT_NAMES {
            crate::out_line(name);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(event) = a.event else {
        return Ok(ExitCode::from(2));
    };
    if !p100::webhooks::EVENT_NAMES.contains(&event.as_str()) {
        return Err(p100::Error::validation(
            "event",
            format!(
                "is not a webhook event; one of: {}",
                p100::webhooks::EVENT_NAMES.join(", ")
            ),
        ));
    }
    let base = sandbox_url(a.sandbox_url)?;
    let http = local_client(None)?;
    let mut body = json!({ "event": event });
    if let Some(user) = a.user {
        body["externalUserId"] = Value::String(user);
    }
    let reply = control(
        &http,
        &base,
        "/_sandbox/trigger",
        Some(body),
        CONTROL_TIMEOUT,
    )
    .await?;
    crate::print_secret_json(&reply, a.reveal);
    Ok(ExitCode::SUCCESS)
}
