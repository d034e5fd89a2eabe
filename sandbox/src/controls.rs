//! Test controls under `/_sandbox/` (never `/v1/`): no API key, loopback only (the listener
//! only binds 127.0.0.1). JSON bodies; errors are `{"error": "..."}`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use p100::{Amount, Currency};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::{check_time_scale, App};
use crate::faults::FaultSpec;
use crate::handlers::{deposit_json, pay_link, settle_deposit};
use crate::refusal::Refusal;
use crate::reply::{json_response, Reply};
use crate::state::{Contact, CryptoDeposit, Holder, Op, OpData, SepaDeposit};
use crate::util::{amount_str, iban_lt, iso, tx_hash, uuid, wallet};
use crate::webhooks::WebhookTarget;

/// The `/_sandbox/` routes.
pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/_sandbox/health", get(health))
        .route("/_sandbox/fund", post(fund))
        .route("/_sandbox/sepa-deposit", post(sepa_deposit))
        .route("/_sandbox/crypto-deposit", post(crypto_deposit))
        .route("/_sandbox/seed-transactions", post(seed_transactions))
        .route(
            "/_sandbox/time-scale",
            get(get_time_scale).post(set_time_scale),
        )
        .route("/_sandbox/advance", post(advance))
        .route("/_sandbox/trigger", post(crate::trigger::trigger))
        .route(
            "/_sandbox/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route(
            "/_sandbox/webhooks",
            get(get_webhooks).post(set_webhooks).delete(clear_webhooks),
        )
        .route(
            "/_sandbox/webhooks/deliveries",
            get(deliveries).delete(clear_deliveries),
        )
        .route("/_sandbox/requests", get(requests).delete(clear_requests))
        .route("/_sandbox/ops", get(ops).delete(clear_ops))
        .route("/_sandbox/ops-count", post(ops_count))
        .route("/_sandbox/ops-reset", post(clear_ops))
        .route("/_sandbox/card-secrets", post(card_secrets))
        .route("/_sandbox/blackhole", post(blackhole))
        .route("/_sandbox/reset", post(reset))
        .route("/_sandbox/webhook-sink", post(webhook_sink))
        .route("/_sandbox/pay/{id}", get(pay_page).post(pay))
        .layer(axum::middleware::from_fn(same_origin_only))
}

/// The controls take no API key, so a web page of another origin open in the developer's
/// browser could fund balances or inject faults with a form or a `text/plain` fetch (outside
/// review, stop 45): a request that carries an `Origin` (browsers send one) other than the
/// sandbox's own is refused (403), and so is one whose `Host` is no loopback name (a page whose
/// name was rebound to 127.0.0.1 is the sandbox's origin to the browser). Tools and the SDKs
/// send no `Origin` and a loopback `Host`; the hosted payment page is the sandbox's own origin.
async fn same_origin_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if foreign_origin(req.headers()) || !loopback_host(req.headers()) {
        let why = "the test controls answer no other web origin";
        return json_response(StatusCode::FORBIDDEN, &json!({ "error": why }));
    }
    next.run(req).await
}

/// A `Host` naming the loopback interface (`127.0.0.1`, `localhost`, `[::1]`, any port), or
/// none (HTTP/1.0).
fn loopback_host(headers: &axum::http::HeaderMap) -> bool {
    let Some(host) = headers.get(axum::http::header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.split(':').next().unwrap_or_default(),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An `Origin` that is not `http://` + this request's `Host`.
fn foreign_origin(headers: &axum::http::HeaderMap) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    header(axum::http::header::ORIGIN).is_some_and(|origin| {
        let host = header(axum::http::header::HOST);
        origin
            .strip_prefix("http://")
            .is_none_or(|o| Some(o) != host)
    })
}

/// A control error (HTTP 400 unless set otherwise; names its argument when one is at fault).
type Bad = Refusal;

fn bad(msg: impl Into<String>) -> Bad {
    Refusal::request(msg)
}

fn body<T: for<'de> Deserialize<'de>>(bytes: &Bytes) -> Result<T, Bad> {
    let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        bytes
    };
    serde_json::from_slice(text).map_err(|e| bad(format!("invalid body: {e}")))
}

fn holder_of(app: &App, user: &Option<String>) -> Result<Holder, Bad> {
    match user.as_deref().filter(|u| !u.is_empty()) {
        None => Ok(Holder::Partner),
        Some(u) => {
            if app.read().users.contains_key(u) {
                Ok(Holder::User(u.to_string()))
            } else {
                Err(Refusal::arg("externalUserId", format!("unknown user {u}"))
                    .status(StatusCode::NOT_FOUND))
            }
        }
    }
}

fn checked_amount(a: &Amount, c: &Currency) -> Result<rust_decimal::Decimal, Bad> {
    if !a.is_positive() {
        return Err(Refusal::arg("amount", "amount must be positive"));
    }
    if a.value() > crate::catalog::max_amount() {
        return Err(Refusal::arg(
            "amount",
            "amount is too large (the sandbox takes at most 10^15)",
        ));
    }
    if a.significant_scale() > c.precision() {
        return Err(Refusal::arg(
            "amount",
            format!(
                "amount has more than {} decimals for {}",
                c.precision(),
                c.as_str()
            ),
        ));
    }
    Ok(a.value())
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let now = iso(&app.now());
    Reply::ok(json!({ "status": "ok", "timeScale": app.time_scale(), "now": now })).into_response()
}

/// Most one `advance` moves the clock: 30 days.
pub const MAX_ADVANCE_SECS: u64 = 30 * 24 * 3600;

/// Checks how far to move the clock: more than 0, at most 30 days.
pub(crate) fn check_advance(seconds: f64) -> Result<std::time::Duration, Refusal> {
    let refused = || {
        Refusal::arg(
            "seconds",
            format!(
                "seconds must be a number greater than 0 and at most {MAX_ADVANCE_SECS} (30 days)"
            ),
        )
    };
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_ADVANCE_SECS as f64 {
        std::time::Duration::try_from_secs_f64(seconds).map_err(|_| refused())
    } else {
        Err(refused())
    }
}

/// `POST /_sandbox/advance {"seconds": N}` — moves the sandbox's clock forward by N seconds
/// (× time scale, like every delay) without waiting: settle delays, lock expiry and webhook
/// retries that became due happen at once, in due order, before the reply. Answers
/// `{advancedSeconds, now, timeScale}` (`now`: the sandbox's time, RFC 3339).
async fn advance(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let v: Value = body(&b)?;
    let Some(fields) = v.as_object() else {
        return Err(bad(
            r#"the body must be a JSON object such as {"seconds": 60}"#,
        ));
    };
    let seconds = match fields.get("seconds") {
        None | Some(Value::Null) => {
            return Err(Refusal::arg(
                "seconds",
                r#"seconds is required: how far to move the clock, e.g. {"seconds": 60}"#,
            ))
        }
        Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
        Some(_) => f64::NAN,
    };
    let by = check_advance(seconds)?;
    app.advance(by);
    Ok(Reply::ok(json!({
        "advancedSeconds": seconds,
        "now": iso(&app.now()),
        "timeScale": app.time_scale(),
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FundBody {
    external_user_id: Option<String>,
    currency: Currency,
    amount: Amount,
}

/// `POST /_sandbox/fund {externalUserId?, currency, amount}` — credits at once.
async fn fund(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    // Read by the SDK's own request decoder: an amount that is a JSON number with a fraction
    // (`10.5` from a JS test) is refused as the client refuses it, naming `amount`.
    let value: Value = body(&b)?;
    let f: FundBody = p100::input::decode(&value, "body").map_err(|e| {
        let field = ["amount", "currency", "externalUserId"]
            .into_iter()
            .find(|f| e.field() == Some(*f))
            .unwrap_or("body");
        Refusal::arg(field, e.message().to_string())
    })?;
    let reply = credit(&app, f.external_user_id.as_deref(), &f.currency, &f.amount)?;
    Ok(Reply::ok(reply).into_response())
}

/// Credits `amount` of `currency` at once to `external_user_id` (the partner without one);
/// answers `{externalUserId, currency, balance}`.
pub(crate) fn credit(
    app: &App,
    external_user_id: Option<&str>,
    currency: &Currency,
    amount: &Amount,
) -> Result<Value, Refusal> {
    if crate::catalog::info(currency).is_none() {
        return Err(Refusal::arg(
            "currency",
            format!("unsupported currency {currency}"),
        ));
    }
    let amount = checked_amount(amount, currency)?;
    let holder = holder_of(app, &external_user_id.map(str::to_string))?;
    let mut st = app.write();
    let acc = st.account_mut(&holder).ok_or_else(|| {
        Refusal::arg("externalUserId", "unknown user").status(StatusCode::NOT_FOUND)
    })?;
    acc.credit(currency, amount);
    let now_amount = acc.available(currency);
    Ok(json!({
        "externalUserId": holder.user(),
        "currency": currency.as_str(),
        "balance": amount_str(now_amount, currency),
    }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SepaDepositBody {
    external_user_id: Option<String>,
    amount: Amount,
    sender_iban: Option<String>,
    sender_name: Option<String>,
    reference: Option<String>,
}

/// `POST /_sandbox/sepa-deposit {externalUserId?, amount, senderIban?, senderName?, reference?}`
/// — IBAN status PENDING at once; after the settle delay APPROVED (EUR credited, sender
/// whitelisted, SEPA deposit webhook) or REJECTED when `senderName` does not contain the user's
/// last name.
async fn sepa_deposit(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let d: SepaDepositBody = body(&b)?;
    let amount = checked_amount(&d.amount, &Currency::Eur)?;
    let holder = holder_of(&app, &d.external_user_id)?;
    let sender_iban = d.sender_iban.unwrap_or_else(iban_lt);
    if p100::validate::iban("senderIban", &sender_iban).is_err() {
        return Err(Refusal::arg("senderIban", "senderIban is not a valid IBAN"));
    }
    let id = uuid();
    let dep = {
        let mut st = app.write();
        if let Some(u) = holder.user().and_then(|u| st.users.get(u)) {
            if u.iban().is_none() {
                return Err(bad(
                    "the user has no IBAN yet: verify the user first (Add User Verification)",
                )
                .status(StatusCode::CONFLICT));
            }
        }
        let dep = SepaDeposit {
            id: id.clone(),
            holder: holder.clone(),
            amount,
            sender_iban,
            sender_name: d.sender_name,
            reference: d.reference,
            status: "PENDING",
            created_at: app.now(),
        };
        st.sepa_deposits.insert(id.clone(), dep.clone());
        dep
    };
    app.emit("iban_status", iban_status_json(&dep));
    let id2 = id.clone();
    app.after_settle(move |app| {
        let (status_payload, deposit_payload) = {
            let mut st = app.write();
            // Ended already (its user was deleted): nothing more happens to it.
            let Some(dep) = st
                .sepa_deposits
                .get(&id2)
                .filter(|d| d.status == "PENDING")
                .cloned()
            else {
                return;
            };
            let approved = !st.is_frozen(&dep.holder)
                && match (&dep.holder, &dep.sender_name) {
                    (Holder::User(u), Some(name)) => st
                        .users
                        .get(u)
                        .is_some_and(|u| name.to_lowercase().contains(&u.last_name.to_lowercase())),
                    _ => true,
                };
            let status = if approved { "APPROVED" } else { "REJECTED" };
            if approved {
                if let Some(acc) = st.account_mut(&dep.holder) {
                    acc.credit(&Currency::Eur, dep.amount);
                }
                let contact = Contact {
                    iban: dep.sender_iban.clone(),
                    name: dep.sender_name.clone(),
                    created_at: app.now(),
                };
                match &dep.holder {
                    Holder::Partner => push_contact(&mut st.partner_contacts, contact),
                    Holder::User(u) => {
                        if let Some(u) = st.users.get_mut(u) {
                            push_contact(&mut u.contacts, contact);
                        }
                    }
                }
            }
            let Some(stored) = st.sepa_deposits.get_mut(&id2) else {
                return;
            };
            stored.status = status;
            let dep = stored.clone();
            let deposit = approved.then(|| sepa_deposit_json(&dep));
            (iban_status_json(&dep), deposit)
        };
        app.emit("iban_status", status_payload);
        if let Some(p) = deposit_payload {
            app.emit("sepa_deposit", p);
        }
    });
    Ok(Reply::created(json!({ "depositId": id, "status": "PENDING" })).into_response())
}

fn push_contact(list: &mut Vec<Contact>, c: Contact) {
    if !list.iter().any(|x| x.iban == c.iban) {
        list.push(c);
    }
}

/// The `sepa_deposit` webhook payload of an approved deposit.
pub(crate) fn sepa_deposit_json(dep: &SepaDeposit) -> Value {
    json!({
        "id": dep.id,
        "externalUserId": dep.holder.user(),
        "amount": amount_str(dep.amount, &Currency::Eur),
        "currency": "eur",
        "senderIban": dep.sender_iban,
        "senderName": dep.sender_name,
        "reference": dep.reference,
        "status": "SUCCESSFUL",
        "createdAt": iso(&dep.created_at),
    })
}

/// The `iban_status` webhook payload of a deposit.
pub(crate) fn iban_status_json(d: &SepaDeposit) -> Value {
    json!({
        "externalUserId": d.holder.user(),
        "depositId": d.id,
        "iban": d.sender_iban,
        "amount": amount_str(d.amount, &Currency::Eur),
        "status": d.status,
        "createdAt": iso(&d.created_at),
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CryptoDepositBody {
    external_user_id: Option<String>,
    currency: Currency,
    amount: Amount,
    status: Option<String>,
    transaction_hash: Option<String>,
}

/// `POST /_sandbox/crypto-deposit {externalUserId?, currency, amount, status?}` — status
/// `SUCCESSFUL` (default) or `UNSUCCESSFUL`: WAITING_FOR_VERIFICATION, then that status after the
/// settle delay; `WAITING_FOR_TR_DATA`: held until the travel-rule PATCH.
async fn crypto_deposit(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let d: CryptoDepositBody = body(&b)?;
    if d.currency.is_fiat() || crate::catalog::info(&d.currency).is_none() {
        return Err(Refusal::arg(
            "currency",
            format!("unsupported crypto currency {}", d.currency),
        ));
    }
    let amount = checked_amount(&d.amount, &d.currency)?;
    let holder = holder_of(&app, &d.external_user_id)?;
    let target = match d.status.as_deref().map(str::to_ascii_uppercase).as_deref() {
        None | Some("SUCCESSFUL") => "SUCCESSFUL",
        Some("UNSUCCESSFUL") => "UNSUCCESSFUL",
        Some("WAITING_FOR_TR_DATA") => "WAITING_FOR_TR_DATA",
        Some(other) => {
            return Err(bad(format!(
                "status {other} is not one of SUCCESSFUL, UNSUCCESSFUL, WAITING_FOR_TR_DATA"
            )))
        }
    };
    let initial = if target == "WAITING_FOR_TR_DATA" {
        "WAITING_FOR_TR_DATA"
    } else {
        "WAITING_FOR_VERIFICATION"
    };
    let dep = CryptoDeposit {
        id: uuid(),
        holder,
        currency: d.currency.clone(),
        amount,
        status: initial,
        tx_hash: d.transaction_hash.unwrap_or_else(|| tx_hash(&d.currency)),
        created_at: app.now(),
    };
    let id = dep.id.clone();
    let payload = deposit_json(&dep);
    app.write().deposits.insert(id.clone(), dep);
    app.emit("crypto_deposit", payload);
    if target != "WAITING_FOR_TR_DATA" {
        let id2 = id.clone();
        app.after_settle(move |app| settle_deposit(app, &id2, target));
    }
    Ok(Reply::created(json!({ "cryptoDepositId": id, "status": initial })).into_response())
}

/// Most entries one `seed-transactions` call adds.
const SEED_MAX: usize = 100_000;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedBody {
    external_user_id: Option<String>,
    count: usize,
}

/// `POST /_sandbox/seed-transactions {externalUserId?, count}` — adds `count` (1–100000)
/// finished entries to the holder's transaction history of the current month (what
/// `GET /v1/partner/transactions?month=&year=` lists, in one reply: the history is not paged):
/// in turn a SEPA deposit, an exchange, a crypto deposit, a SEPA transfer, a crypto withdrawal,
/// an internal transfer; one second apart going back from now, never before the month's first
/// second. Balances are not changed; no webhook is sent. Answers `{seeded, month, year}`.
async fn seed_transactions(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    use chrono::{Datelike, TimeZone};
    let s: SeedBody = body(&b)?;
    if s.count == 0 || s.count > SEED_MAX {
        return Err(Refusal::arg(
            "count",
            format!("count must be 1 to {SEED_MAX}"),
        ));
    }
    let holder = holder_of(&app, &s.external_user_id)?;
    let start = app.now();
    let month_start = chrono::Utc
        .with_ymd_and_hms(start.year(), start.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(start);
    let cryptos = [Currency::Btc, Currency::Eth, Currency::Usdt, Currency::Ltc];
    let mut st = app.write();
    for i in 0..s.count {
        let at = (start - chrono::Duration::seconds(i as i64)).max(month_start);
        let crypto = cryptos[i % cryptos.len()].clone();
        // 1.00 to 5000.00 EUR; 0.001 to 2 units of crypto.
        let eur = rust_decimal::Decimal::new(fastrand::i64(100..500_000), 2);
        let units = rust_decimal::Decimal::new(fastrand::i64(1_000..2_000_000), 6);
        let id = uuid();
        let op = |data: OpData, currency: Currency, amount, status| Op {
            id: id.clone(),
            holder: holder.clone(),
            status,
            created_at: at,
            error: None,
            debit: (holder.clone(), currency, amount),
            reserved: true,
            credit: None,
            data,
        };
        match i % 6 {
            0 => {
                let dep = SepaDeposit {
                    id: id.clone(),
                    holder: holder.clone(),
                    amount: eur,
                    sender_iban: iban_lt(),
                    sender_name: Some("Jonas Jonaitis".into()),
                    reference: Some(format!("invoice {}", 1000 + i)),
                    status: "APPROVED",
                    created_at: at,
                };
                st.sepa_deposits.insert(id, dep);
            }
            1 => {
                let fee = (eur * rust_decimal::Decimal::new(5, 3)).round_dp(2);
                let data = OpData::Exchange {
                    amount: eur,
                    from: Currency::Eur,
                    to: crypto.clone(),
                    rate: rust_decimal::Decimal::new(98, 7),
                    fee,
                    received: units,
                };
                st.ops
                    .insert(id.clone(), op(data, Currency::Eur, eur + fee, "COMPLETED"));
            }
            2 => {
                let dep = CryptoDeposit {
                    id: id.clone(),
                    holder: holder.clone(),
                    currency: crypto.clone(),
                    amount: units,
                    status: "SUCCESSFUL",
                    tx_hash: tx_hash(&crypto),
                    created_at: at,
                };
                st.deposits.insert(id, dep);
            }
            3 => {
                let fee = rust_decimal::Decimal::new(100, 2);
                let data = OpData::Sepa {
                    amount: eur,
                    fee,
                    title: format!("payout {}", 1000 + i),
                    iban: iban_lt(),
                    first_name: Some("Ona".into()),
                    last_name: Some("Onaite".into()),
                    company: None,
                };
                st.ops
                    .insert(id.clone(), op(data, Currency::Eur, eur + fee, "SUCCESSFUL"));
            }
            4 => {
                let fee = rust_decimal::Decimal::new(2, 4);
                let data = OpData::Withdrawal {
                    amount: units,
                    fee,
                    currency: crypto.clone(),
                    network: crypto.networks()[0].clone(),
                    address: wallet(&crypto),
                    memo: None,
                    tx_hash: Some(tx_hash(&crypto)),
                };
                st.ops
                    .insert(id.clone(), op(data, crypto, units + fee, "SUCCESSFUL"));
            }
            _ => {
                let data = OpData::Transfer {
                    amount: eur,
                    currency: Currency::Eur,
                    source: None,
                    destination: Some(format!("user-{}", i % 97)),
                };
                st.ops
                    .insert(id.clone(), op(data, Currency::Eur, eur, "SUCCESSFUL"));
            }
        }
    }
    Ok(Reply::ok(json!({
        "seeded": s.count,
        "month": start.month(),
        "year": start.year(),
    }))
    .into_response())
}

#[derive(Deserialize)]
struct ScaleBody {
    scale: f64,
}

async fn get_time_scale(State(app): State<Arc<App>>) -> Response {
    Reply::ok(json!({ "scale": app.time_scale() })).into_response()
}

/// `POST /_sandbox/time-scale {scale}` — multiplies every later delay.
async fn set_time_scale(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let s: ScaleBody = body(&b)?;
    let scale = check_time_scale(s.scale).map_err(|m| Refusal::arg("scale", m))?;
    app.set_time_scale(scale);
    Ok(Reply::ok(json!({ "scale": scale })).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FaultBody {
    /// `"429"` or `429`, `"delay"`…
    kind: Value,
    count: Option<u32>,
    retry_after: Option<f64>,
    delay_ms: Option<u64>,
    status: Option<u16>,
    size_bytes: Option<u64>,
    operation: Option<String>,
}

/// Queues the fault `spec` describes (as `POST /_sandbox/faults`); the number of requests
/// faults are now pending for.
pub fn inject(app: &App, spec: &FaultSpec) -> Result<usize, Refusal> {
    let (kind, count, operation) = spec.compile()?;
    Ok(app.add_fault(kind, count, operation))
}

/// `POST /_sandbox/faults {kind, count?, retryAfter?, delayMs?, status?, sizeBytes?,
/// operation?}` — for the next `count` `/v1/` requests (of `operation` only, when given).
async fn add_fault(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let f: FaultBody = body(&b)?;
    let kind = match &f.kind {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => {
            return Err(Refusal::arg(
                "kind",
                "kind must be a string such as \"cut-body\" (or a number: 429, 500, 503)",
            ))
        }
    };
    let spec = FaultSpec {
        kind,
        count: f.count.unwrap_or(1),
        retry_after_secs: f.retry_after,
        delay_ms: f.delay_ms,
        status: f.status,
        size_bytes: f.size_bytes,
        operation: f.operation,
    };
    let pending = inject(&app, &spec)?;
    Ok(Reply::ok(json!({ "pending": pending, "faults": app.faults_json() })).into_response())
}

/// `GET /_sandbox/ops` — every operation of the route table with the number of times its
/// handler ran (`ops`) and how many of those runs answered with a success reply (`succeeded`).
async fn ops(State(app): State<Arc<App>>) -> Response {
    let counts = app.op_counts();
    let executed: serde_json::Map<String, Value> = counts
        .iter()
        .map(|(name, (n, _))| (name.to_string(), json!(n)))
        .collect();
    let succeeded: serde_json::Map<String, Value> = counts
        .iter()
        .map(|(name, (_, ok))| (name.to_string(), json!(ok)))
        .collect();
    Reply::ok(json!({ "ops": executed, "succeeded": succeeded })).into_response()
}

/// `DELETE /_sandbox/ops` — every counter back to zero (the state stays).
async fn clear_ops(State(app): State<Arc<App>>) -> Response {
    app.reset_ops();
    ops(State(app)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OpsCountBody {
    operation: String,
}

/// `POST /_sandbox/ops-count {operation}` — `{operation, executed, succeeded}` for one
/// operation (the same counters as `GET /_sandbox/ops`, under names without dots so that a
/// scenario's field paths reach them).
async fn ops_count(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let q: OpsCountBody = body(&b)?;
    let counts = app.op_counts();
    let Some((_, (executed, succeeded))) = counts.iter().find(|(name, _)| **name == q.operation)
    else {
        return Err(Refusal::arg(
            "operation",
            format!(
                "operation {:?} is not an operation of the route table",
                q.operation
            ),
        ));
    };
    Ok(Reply::ok(json!({
        "operation": q.operation,
        "executed": executed,
        "succeeded": succeeded,
    }))
    .into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CardSecretsBody {
    card_number: String,
    cvv: String,
}

/// `POST /_sandbox/card-secrets {cardNumber, cvv}` — the cards created next carry these, so a
/// test knows exactly which secrets must never show in an error, a log or a raw body.
async fn card_secrets(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let c: CardSecretsBody = body(&b)?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(&c.card_number, 12..=19) || !digits(&c.cvv, 3..=4) {
        return Err(bad(
            "cardNumber must be 12-19 digits and cvv 3-4 digits".to_string()
        ));
    }
    app.write().next_card = Some((c.card_number, c.cvv));
    Ok(Reply::ok(json!({ "set": true })).into_response())
}

/// `POST /_sandbox/blackhole` — `{"url"}`: a loopback address whose listener accepts no
/// connection (its queue is full), so a client's connect timeout fires and nothing is sent.
/// It lives as long as the sandbox.
async fn blackhole(State(app): State<Arc<App>>) -> Result<Response, Bad> {
    let url = app
        .blackhole()
        .await
        .map_err(|e| bad(format!("no blackhole: {e}")))?;
    Ok(Reply::ok(json!({ "url": url })).into_response())
}

async fn list_faults(State(app): State<Arc<App>>) -> Response {
    Reply::ok(json!({ "faults": app.faults_json() })).into_response()
}

async fn clear_faults(State(app): State<Arc<App>>) -> Response {
    app.clear_faults();
    Reply::ok(json!({ "faults": [] })).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WebhookBody {
    url: Option<String>,
    token: Option<String>,
    /// Only when the current target's URL is this one (compare and set, atomically): what a
    /// session that registered it sends to stop its own deliveries, never another's.
    if_url: Option<String>,
}

/// Checks a webhook target: an http(s) URL and a non-empty token.
pub fn webhook_target(url: &str, token: &str) -> Result<WebhookTarget, Refusal> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Refusal::arg(
            "url",
            "url must start with http:// or https://",
        ));
    }
    if token.trim().is_empty() {
        return Err(Refusal::arg("token", "token must not be empty"));
    }
    Ok(WebhookTarget {
        url: url.to_string(),
        token: token.to_string(),
    })
}

/// `POST /_sandbox/webhooks {url, token}` — `{"url": null}` stops deliveries; with `ifUrl`,
/// only while the target is still that URL (otherwise nothing changes).
async fn set_webhooks(State(app): State<Arc<App>>, b: Bytes) -> Result<Response, Bad> {
    let w: WebhookBody = body(&b)?;
    let target = match w.url.filter(|u| !u.is_empty()) {
        None => None,
        Some(url) => Some(webhook_target(&url, w.token.as_deref().unwrap_or(""))?),
    };
    app.set_webhook_target_if(w.if_url.as_deref(), target);
    Ok(get_webhooks(State(app)).await)
}

async fn get_webhooks(State(app): State<Arc<App>>) -> Response {
    let t = app.webhook_target();
    Reply::ok(json!({
        "url": t.as_ref().map(|t| t.url.clone()),
        "tokenSet": t.is_some(),
    }))
    .into_response()
}

async fn clear_webhooks(State(app): State<Arc<App>>) -> Response {
    app.set_webhook_target(None);
    get_webhooks(State(app)).await
}

/// `GET /_sandbox/webhooks/deliveries` — every attempt, oldest first.
async fn deliveries(State(app): State<Arc<App>>) -> Response {
    let list: Vec<Value> = app.deliveries_lock().iter().map(|d| d.to_json()).collect();
    Reply::ok(json!({ "deliveries": list })).into_response()
}

async fn clear_deliveries(State(app): State<Arc<App>>) -> Response {
    app.deliveries_lock().clear();
    Reply::ok(json!({ "deliveries": [] })).into_response()
}

/// `GET /_sandbox/requests` — the last 200 `/v1/` requests, oldest first:
/// `{requests: [{requestId, method, path, headers, status}]}` (headers as they arrived, names in
/// lower case; `x-api-key`, `authorization`, `proxy-authorization`, `cookie` values
/// `[redacted]`; `requestId` is the `x-request-id` of the reply; `status` null while the
/// reply is pending or when the client went away first).
async fn requests(State(app): State<Arc<App>>) -> Response {
    let list: Vec<Value> = app.requests().iter().map(|r| r.to_json()).collect();
    Reply::ok(json!({ "requests": list })).into_response()
}

/// `DELETE /_sandbox/requests` — forgets the remembered requests.
async fn clear_requests(State(app): State<Arc<App>>) -> Response {
    app.clear_requests();
    Reply::ok(json!({ "requests": [] })).into_response()
}

/// `POST /_sandbox/reset` — back to the starting world.
async fn reset(State(app): State<Arc<App>>) -> Response {
    app.reset();
    Reply::ok(json!({ "reset": true })).into_response()
}

#[derive(Deserialize)]
struct SinkQuery {
    status: Option<u16>,
}

/// `POST /_sandbox/webhook-sink[?status=N]` — a receiver for runners without their own server:
/// answers 401 without an `Authorization` header, else `status` (default 200). Point
/// `/_sandbox/webhooks` at it and read what was sent from the delivery log.
async fn webhook_sink(
    axum::extract::Query(q): axum::extract::Query<SinkQuery>,
    headers: axum::http::HeaderMap,
) -> Response {
    if !headers.contains_key(axum::http::header::AUTHORIZATION) {
        return json_response(
            StatusCode::UNAUTHORIZED,
            &json!({ "error": "missing Authorization" }),
        );
    }
    let status = q
        .status
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    json_response(status, &json!({}))
}

/// `GET /_sandbox/pay/{id}` — the payment page a link points to.
async fn pay_page(State(app): State<Arc<App>>, Path(id): Path<String>) -> Response {
    let st = app.read();
    match st.links.get(&id) {
        Some(l) => Html(format!(
            "<!DOCTYPE html><html><head><title>P100 sandbox payment</title></head><body>\
             <h1>Pay {} {}</h1><form method=\"post\"><button>Pay (sandbox)</button></form>\
             </body></html>",
            crate::util::fixed(l.amount, l.currency.precision()),
            l.currency.as_str()
        ))
        .into_response(),
        None => bad("unknown payment link")
            .status(StatusCode::NOT_FOUND)
            .into_response(),
    }
}

/// `POST /_sandbox/pay/{id}` — pays the link: the partner is credited, webhook sent.
async fn pay(State(app): State<Arc<App>>, Path(id): Path<String>) -> Result<Response, Bad> {
    let payload = {
        let now = app.now();
        let mut st = app.write();
        pay_link(&mut st, &id, now).map_err(bad)?
    };
    app.emit("payment_link", payload.clone());
    Ok(Reply::ok(payload).into_response())
}
