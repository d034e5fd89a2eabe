//! `POST /_sandbox/trigger {"event", "externalUserId"?}` — emits any webhook event of the
//! core's list ([`p100::webhooks::EVENT_NAMES`]) with realistic data, through the same
//! delivery path as the sandbox's own events (webhook target, retries, delivery log).
//!
//! The events are made up: no state changes (no balance moves, the ids are not known to the
//! details endpoints), but every payload is built the way the sandbox builds that event's
//! payload when it happens for real (the same functions where there are some), with final
//! statuses, UUID ids, amounts as the API writes them, and the user's own data when the user
//! is known to the sandbox.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use p100::{Currency, Network};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::App;
use crate::catalog;
use crate::controls::{iban_status_json, sepa_deposit_json};
use crate::handlers::money::exchange;
use crate::handlers::{deposit_json, link_json, op_json, order_json};
use crate::refusal::Refusal;
use crate::reply::Reply;
use crate::state::{
    CryptoDeposit, Holder, Op, OpData, Order, OrderLockData, PaymentLink, SepaDeposit,
};
use crate::util::{dec, iban_lt, iso, round_dp, tx_hash, uuid, wallet};

/// What a trigger sent.
#[derive(Debug, Clone)]
pub(crate) struct Triggered {
    /// The event name (one of `EVENT_NAMES`).
    pub event: &'static str,
    /// The payload's main id (the transfer's, the order's…; the user's for user events).
    pub id: String,
    /// The user the event is about, when it is about one.
    pub external_user_id: Option<String>,
    /// The payload sent.
    pub payload: Value,
}

/// The known event name `name` stands for (`-` and case do not matter).
fn event_name(name: &str) -> Option<&'static str> {
    let want = name.trim().to_ascii_lowercase().replace('-', "_");
    p100::webhooks::EVENT_NAMES
        .iter()
        .copied()
        .find(|n| *n == want)
}

/// What the sandbox knows of the user an event is about.
struct UserData {
    id: String,
    first_name: String,
    last_name: String,
    card_id: Option<String>,
    deposit_reference: Option<String>,
    wallet: Option<String>,
}

/// The given user, else the first known user (by id), else a new id.
fn user_data(app: &App, given: Option<&str>) -> UserData {
    let st = app.read();
    let id = match given {
        Some(u) => u.to_string(),
        None => st.users.keys().min().cloned().unwrap_or_else(uuid),
    };
    match st.users.get(&id) {
        Some(u) => UserData {
            first_name: u.first_name.clone(),
            last_name: u.last_name.clone(),
            card_id: u
                .cards
                .iter()
                .find(|c| c.status != "DELETED")
                .map(|c| c.id.clone()),
            deposit_reference: Some(u.deposit_reference.clone()),
            wallet: u.account.get(&Currency::Eth).and_then(|b| b.wallet.clone()),
            id,
        },
        None => UserData {
            id,
            first_name: "Jan".into(),
            last_name: "Kowalski".into(),
            card_id: None,
            deposit_reference: None,
            wallet: None,
        },
    }
}

/// Builds the payload of `event` and emits it. Refused when the event is unknown, the user id
/// is empty, or no webhook target is set (nothing would be sent).
pub(crate) fn emit_event(
    app: &Arc<App>,
    event: &str,
    external_user_id: Option<&str>,
) -> Result<Triggered, Refusal> {
    let Some(event) = event_name(event) else {
        return Err(Refusal::arg(
            "event",
            format!(
                "event {:?} is not a webhook event; known events: {}",
                event,
                p100::webhooks::EVENT_NAMES.join(", ")
            ),
        ));
    };
    if external_user_id.is_some_and(|u| u.trim().is_empty()) {
        return Err(Refusal::arg(
            "externalUserId",
            "externalUserId must not be empty (leave it out to use a known or new user)",
        ));
    }
    if app.webhook_target().is_none() {
        return Err(Refusal::request(
            "no webhook target: set one first: set_webhook(url, token) (Python), \
             setWebhook(url, token) (Node, Kotlin, Swift), a webhook URL and token when the \
             sandbox starts, or POST /_sandbox/webhooks {\"url\", \"token\"}",
        )
        .status(StatusCode::CONFLICT));
    }
    let t = build(app, event, external_user_id);
    let _entered = app.clock.enter();
    app.emit(t.event, t.payload.clone());
    Ok(t)
}

/// The payload of `event`, with its main id.
fn build(app: &Arc<App>, event: &'static str, given_user: Option<&str>) -> Triggered {
    let u = user_data(app, given_user);
    let uid = u.id.clone();
    let now = app.now();
    let id = uuid();
    let user = Holder::User(uid.clone());
    // The payload and whether it is about the user (partner events are not).
    let (main_id, payload, about_user) = match event {
        "user_status" => (
            uid.clone(),
            json!({ "externalUserId": uid, "status": "ACTIVE" }),
            true,
        ),
        "kyc_file" => (
            uid.clone(),
            json!({ "externalUserId": uid, "status": "ADDED" }),
            true,
        ),
        "poa_verification" => (
            uid.clone(),
            crate::handlers::users::poa_event(&uid, "APPROVED"),
            true,
        ),
        "kyc_verification" => (
            id.clone(),
            json!({
                "externalUserId": uid,
                "verificationId": id,
                "verificationStatus": "VERIFIED",
                "attemptStatus": "SUCCESSFUL",
                "rejectionReason": null,
            }),
            true,
        ),
        "transfer" | "sepa_transfer" | "crypto_withdrawal" | "exchange" => {
            let op = operation(event, id.clone(), user, now);
            let st = app.read();
            (id, op_json(&st, &op, true), true)
        }
        "crypto_deposit" => {
            let dep = CryptoDeposit {
                id: id.clone(),
                holder: user,
                currency: Currency::Eth,
                amount: dec("0.25"),
                status: "SUCCESSFUL",
                tx_hash: tx_hash(&Currency::Eth),
                created_at: now,
            };
            (id, deposit_json(&dep), true)
        }
        "sepa_deposit" | "iban_status" => {
            let dep = SepaDeposit {
                id: id.clone(),
                holder: user,
                amount: dec("250.00"),
                sender_iban: iban_lt(),
                sender_name: Some(format!("{} {}", u.first_name, u.last_name)),
                reference: Some(
                    u.deposit_reference
                        .clone()
                        .unwrap_or_else(|| "top-up".into()),
                ),
                status: "APPROVED",
                created_at: now,
            };
            let payload = if event == "sepa_deposit" {
                sepa_deposit_json(&dep)
            } else {
                iban_status_json(&dep)
            };
            (id, payload, true)
        }
        "order_status" => {
            let currency = Currency::Usdt;
            let fiat = dec("150.00");
            let rate =
                catalog::rate(&currency).unwrap_or(Decimal::ONE) * dec(catalog::ORDER_RATE_FACTOR);
            let crypto = round_dp(fiat / rate, currency.precision());
            let order = Order {
                id: id.clone(),
                lock_id: uuid(),
                status: "COMPLETED",
                created_at: now,
                wallet: Some(wallet(&currency)),
                expires_at: Some(now + chrono::Duration::minutes(15)),
                tx_hash: Some(tx_hash(&currency)),
                confirmations: 3,
                received: crypto,
                data: OrderLockData {
                    currency,
                    network: Network::Ethereum,
                    fiat_amount: fiat,
                    crypto_amount: crypto,
                },
            };
            (id, order_json(&order), false)
        }
        "payment_link" => {
            let link = PaymentLink {
                id: id.clone(),
                amount: dec("49.90"),
                currency: Currency::Eur,
                description: Some("Order #1042".into()),
                external_id: Some(format!("inv-{}", fastrand::u32(1000..10_000))),
                url: format!("{}/_sandbox/pay/{id}", app.base_url),
                status: "PAID",
                created_at: now,
                expires_at: now + chrono::Duration::hours(24),
            };
            (id, link_json(&link, now), false)
        }
        "card_transaction" => {
            let card = u.card_id.clone().unwrap_or_else(uuid);
            (
                id.clone(),
                json!({
                    "externalUserId": uid,
                    "cardId": card,
                    "transactionId": id,
                    "amount": "23.40",
                    "currency": "eur",
                    "merchantName": "Cafe Central",
                    "type": "PURCHASE",
                    "status": "COMPLETED",
                    "createdAt": iso(&now),
                }),
                true,
            )
        }
        "card_3ds_code" => {
            let card = u.card_id.clone().unwrap_or_else(uuid);
            (
                card.clone(),
                json!({
                    "externalUserId": uid,
                    "cardId": card,
                    "code": format!("{:06}", fastrand::u32(0..1_000_000)),
                    "amount": "89.99",
                    "currency": "eur",
                    "merchantName": "Online Shop GmbH",
                    "createdAt": iso(&now),
                }),
                true,
            )
        }
        "card_activation_code" => {
            let card = u.card_id.clone().unwrap_or_else(uuid);
            (
                card.clone(),
                json!({
                    "externalUserId": uid,
                    "cardId": card,
                    "activationCode": format!("{:06}", fastrand::u32(0..1_000_000)),
                    "createdAt": iso(&now),
                }),
                true,
            )
        }
        // "wallet_created", and any event added to the core's list later: a wallet is the
        // most neutral payload (the test over EVENT_NAMES catches a missing arm).
        _ => {
            let address = u.wallet.clone().unwrap_or_else(|| wallet(&Currency::Eth));
            (
                address.clone(),
                json!({
                    "externalUserId": uid,
                    "address": address,
                    "currency": "eth",
                    "network": "ethereum",
                }),
                true,
            )
        }
    };
    Triggered {
        event,
        id: main_id,
        external_user_id: about_user.then_some(uid),
        payload,
    }
}

/// A finished money movement of the kind `event` names, for the user.
fn operation(event: &str, id: String, user: Holder, now: chrono::DateTime<chrono::Utc>) -> Op {
    let eur = Currency::Eur;
    let (status, data, debit) = match event {
        "transfer" => {
            let amount = dec("25.5");
            (
                "SUCCESSFUL",
                OpData::Transfer {
                    amount,
                    currency: eur.clone(),
                    source: None,
                    destination: user.user().map(str::to_string),
                },
                (Holder::Partner, eur, amount),
            )
        }
        "sepa_transfer" => {
            let amount = dec("120.00");
            let fee = catalog::sepa_fee(amount);
            (
                "SUCCESSFUL",
                OpData::Sepa {
                    amount,
                    fee,
                    title: "Invoice 2026/117".into(),
                    iban: "DE89370400440532013000".into(),
                    first_name: Some("Anna".into()),
                    last_name: Some("Schmidt".into()),
                    company: None,
                },
                (user.clone(), eur, amount + fee),
            )
        }
        "crypto_withdrawal" => {
            let currency = Currency::Eth;
            let amount = dec("0.05");
            let net = catalog::net(&currency, None);
            let fee = net.map_or(Decimal::ZERO, |n| {
                dec(n.fee_withdrawal) + dec(n.network_fee)
            });
            let network = net.map_or(Network::Ethereum, |n| (n.network)());
            (
                "SUCCESSFUL",
                OpData::Withdrawal {
                    amount,
                    fee,
                    currency: currency.clone(),
                    network,
                    address: wallet(&currency),
                    memo: None,
                    tx_hash: Some(tx_hash(&currency)),
                },
                (user.clone(), currency, amount + fee),
            )
        }
        _ => {
            // An exchange of 100.00 EUR to BTC at the catalog's rates.
            let (from, to) = (eur, Currency::Btc);
            let amount = dec("100.00");
            // The rate shown and the amount credited as a real exchange computes them.
            let rate = exchange::cross_rate(&from, &to).unwrap_or(Decimal::ZERO);
            let fee = round_dp(
                amount * dec(catalog::EXCHANGE_FEE_PERCENT) / Decimal::from(100),
                from.precision(),
            );
            let received = exchange::convert(amount - fee, &from, &to).unwrap_or(Decimal::ZERO);
            (
                "COMPLETED",
                OpData::Exchange {
                    amount,
                    from: from.clone(),
                    to,
                    rate,
                    fee,
                    received,
                },
                (user.clone(), from, amount),
            )
        }
    };
    Op {
        id,
        holder: user,
        status,
        created_at: now,
        error: None,
        debit,
        reserved: true,
        credit: None,
        data,
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TriggerBody {
    event: Option<String>,
    external_user_id: Option<String>,
}

/// `POST /_sandbox/trigger {"event", "externalUserId"?}` — answers
/// `{event, id, externalUserId, payload}` (`id`: the payload's main id).
pub(crate) async fn trigger(State(app): State<Arc<App>>, b: Bytes) -> Response {
    let text: &[u8] = if b.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &b
    };
    let body: TriggerBody = match serde_json::from_slice(text) {
        Ok(v) => v,
        Err(e) => return Refusal::request(format!("invalid body: {e}")).into_response(),
    };
    let Some(event) = body.event else {
        return Refusal::arg(
            "event",
            format!(
                "event is required; known events: {}",
                p100::webhooks::EVENT_NAMES.join(", ")
            ),
        )
        .into_response();
    };
    match emit_event(&app, &event, body.external_user_id.as_deref()) {
        Ok(t) => Reply::ok(json!({
            "event": t.event,
            "id": t.id,
            "externalUserId": t.external_user_id,
            "payload": t.payload,
        }))
        .into_response(),
        Err(refusal) => refusal.into_response(),
    }
}
