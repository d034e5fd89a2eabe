//! Webhook delivery: POST the payload with `Authorization: <token>`, retry after 8/16/32/64 s
//! (× time scale) on a non-2xx reply or a failure, 5 attempts at most, in background tasks.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};

use crate::app::App;
use crate::util::iso;

/// Delays before the 2nd…5th attempts (before time scaling), as documented.
pub const RETRY_DELAYS: [Duration; 4] = [
    Duration::from_secs(8),
    Duration::from_secs(16),
    Duration::from_secs(32),
    Duration::from_secs(64),
];

/// Most entries kept in the delivery log.
const MAX_LOG: usize = 2000;

/// Where webhooks go, and the token put in `Authorization`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookTarget {
    /// The partner's webhook URL.
    pub url: String,
    /// The webhook security token (never logged, never shown).
    pub token: String,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("token", &"[REDACTED]")
            .finish()
    }
}

/// One delivery attempt, as `GET /_sandbox/webhooks/deliveries` lists it.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Sequence number of the event (all attempts of one event share it).
    pub event_id: u64,
    /// Event name (`user_status`, `sepa_transfer`, …).
    pub event: &'static str,
    /// Target URL.
    pub url: String,
    /// 1..=5.
    pub attempt: u32,
    /// HTTP status of the reply, when there was one.
    pub status_code: Option<u16>,
    /// Why the attempt failed without a reply.
    pub error: Option<String>,
    /// When it was sent.
    pub at: String,
    /// The payload sent.
    pub payload: Value,
}

impl Delivery {
    /// True for a 2xx reply.
    pub fn ok(&self) -> bool {
        self.status_code.is_some_and(|c| (200..300).contains(&c))
    }

    /// The log entry as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "eventId": self.event_id,
            "event": self.event,
            "url": self.url,
            "attempt": self.attempt,
            "statusCode": self.status_code,
            "ok": self.ok(),
            "error": self.error,
            "at": self.at,
            "payload": self.payload,
        })
    }
}

static EVENT_SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl App {
    /// Sends `payload` to the webhook target in the background (nothing when none is set).
    pub fn emit(self: &Arc<Self>, event: &'static str, payload: Value) {
        let Some(target) = self.webhook_target() else {
            return;
        };
        let app = Arc::clone(self);
        let gen = self.generation();
        let id = EVENT_SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::spawn(async move { deliver(app, target, event, payload, gen, id).await });
    }
}

async fn deliver(
    app: Arc<App>,
    target: WebhookTarget,
    event: &'static str,
    payload: Value,
    gen: u64,
    event_id: u64,
) {
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    for attempt in 1..=(RETRY_DELAYS.len() as u32 + 1) {
        if app.closed() || app.generation() != gen {
            return;
        }
        // A target cleared or changed since (`p100 listen` stopping) gets no more retries:
        // its port may be closed or someone else's.
        if attempt > 1 && app.webhook_target().is_none_or(|now| now.url != target.url) {
            return;
        }
        let sent = app
            .http
            .post(&target.url)
            .header("Authorization", &target.token)
            .header("Content-Type", "application/json")
            .body(body.clone())
            .send()
            .await;
        let (status_code, error) = match sent {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(describe(&e))),
        };
        let d = Delivery {
            event_id,
            event,
            url: target.url.clone(),
            attempt,
            status_code,
            error,
            at: iso(&app.now()),
            payload: payload.clone(),
        };
        let ok = d.ok();
        if app.settings.log {
            let _ = writeln!(
                std::io::stderr(),
                "webhook {event} #{event_id} attempt {attempt} -> {}",
                d.status_code
                    .map_or_else(|| "no reply".to_string(), |c| c.to_string())
            );
        }
        {
            let mut log = app.deliveries_lock();
            if log.len() >= MAX_LOG {
                log.remove(0);
            }
            if app.generation() == gen {
                log.push(d);
            }
        }
        if ok {
            return;
        }
        if let Some(delay) = RETRY_DELAYS.get(attempt as usize - 1) {
            app.clock.sleep(app.scaled(*delay)).await;
        }
    }
}

/// A failure description without any header value (the token never shows).
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connection refused or failed".into()
    } else if e.is_request() {
        "request failed".into()
    } else {
        "no valid reply".into()
    }
}
