//! Orders (crypto payments settled in EUR to the partner) and payment links.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use p100::models::{CreateOrderRequest, CreatePaymentLinkRequest, OrderLockRequest};
use p100::Currency;
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{json, Map, Value};

use super::money::exchange::{new_lock, use_lock};
use super::supported;
use crate::api::Ctx;
use crate::app::App;
use crate::catalog;
use crate::error::{self, ApiError};
use crate::reply::Reply;
use crate::state::{Holder, Order, OrderLockData, PaymentLink, State};
use crate::util::{amount_str, dec, fixed, iso, num, round_dp, tx_hash, uuid, wallet};

/// Confirmations an order needs.
const REQUIRED_CONFIRMATIONS: u32 = 3;

/// EUR per unit of `c` for orders.
fn order_rate(c: &Currency) -> Option<Decimal> {
    catalog::rate(c).map(|r| round_dp(r * dec(catalog::ORDER_RATE_FACTOR), 8))
}

/// `GET /v1/order/rates`.
pub fn rates(_app: &Arc<App>, _ctx: &Ctx) -> Result<Reply, ApiError> {
    let mut m = Map::new();
    for c in catalog::CURRENCIES
        .iter()
        .filter(|c| !c.networks.is_empty())
    {
        if let Some(r) = order_rate(&Currency::parse(c.code)) {
            m.insert(c.code.to_string(), num(r));
        }
    }
    Ok(Reply::ok(Value::Object(m)))
}

/// `POST /v1/order/lock-rate` — `amount` is the EUR to settle; the reply's `amount` is the
/// crypto the payer must send.
pub fn lock(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: OrderLockRequest = ctx.valid()?;
    supported(&req.currency)?;
    let rate = order_rate(&req.currency).unwrap_or(Decimal::ONE);
    let fiat = req.amount.value();
    let crypto = (fiat / rate)
        .round_dp_with_strategy(req.currency.precision(), RoundingStrategy::AwayFromZero);
    let mut st = app.write();
    let mut lock = new_lock(
        app,
        &mut st,
        Holder::Partner,
        Duration::from_secs(catalog::ORDER_LOCK_TTL_SECS),
    );
    let data = OrderLockData {
        currency: req.currency.clone(),
        network: req.network.clone(),
        fiat_amount: fiat,
        crypto_amount: crypto,
    };
    lock.order = Some(data);
    st.locks.insert(lock.id.clone(), lock.clone());
    Ok(Reply::ok(json!({
        "lockId": lock.id,
        "amount": num(crypto),
        "rate": fixed(rate, 8).trim_end_matches('0').trim_end_matches('.'),
        "expiresAt": iso(&lock.valid_until),
        "currency": req.currency.as_str(),
        "destinationCurrency": "eur",
        "network": req.network.as_str(),
    })))
}

/// `POST /v1/order` — WAITING_FOR_WALLET_ADDRESS, then WAITING_FOR_CONFIRMATION (half the
/// settle delay), then COMPLETED with the EUR credited to the partner.
pub fn create(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: CreateOrderRequest = ctx.valid()?;
    let mut st = app.write();
    let lock = use_lock(&mut st, app.instant(), &req.lock_id, &Holder::Partner, true)?;
    let Some(data) = lock.order else {
        return Err(ApiError::of(error::LOCK_NOT_FOUND));
    };
    let order = Order {
        id: uuid(),
        lock_id: lock.id,
        status: "WAITING_FOR_WALLET_ADDRESS",
        created_at: app.now(),
        data,
        wallet: None,
        expires_at: None,
        tx_hash: None,
        confirmations: 0,
        received: Decimal::ZERO,
    };
    let id = order.id.clone();
    st.orders.insert(id.clone(), order);
    drop(st);
    let half = app.settings.settle / 2;
    let id1 = id.clone();
    app.after(half, move |app| {
        let payload = {
            let mut st = app.write();
            let Some(o) = st.orders.get_mut(&id1) else {
                return;
            };
            o.status = "WAITING_FOR_CONFIRMATION";
            o.wallet = Some(wallet(&o.data.currency));
            o.expires_at = Some(app.now() + chrono::Duration::minutes(15));
            o.tx_hash = Some(tx_hash(&o.data.currency));
            o.confirmations = 1;
            o.received = o.data.crypto_amount;
            order_json(o)
        };
        app.emit("order_status", payload);
    });
    let id2 = id.clone();
    app.after_settle(move |app| {
        let payload = {
            let mut st = app.write();
            let Some(o) = st.orders.get_mut(&id2) else {
                return;
            };
            o.status = "COMPLETED";
            o.confirmations = REQUIRED_CONFIRMATIONS;
            o.received = o.data.crypto_amount;
            if o.wallet.is_none() {
                o.wallet = Some(wallet(&o.data.currency));
                o.tx_hash = Some(tx_hash(&o.data.currency));
            }
            let fiat = o.data.fiat_amount;
            let body = order_json(o);
            st.partner.credit(&Currency::Eur, fiat);
            body
        };
        app.emit("order_status", payload);
    });
    Ok(Reply::created(json!({ "orderId": id })))
}

/// The order details / webhook payload.
pub(crate) fn order_json(o: &Order) -> Value {
    json!({
        "orderId": o.id,
        "lockId": o.lock_id,
        "status": o.status,
        "createdAt": iso(&o.created_at),
        "expiresAt": o.expires_at.as_ref().map(iso),
        "confirmations": o.confirmations,
        "requiredConfirmations": REQUIRED_CONFIRMATIONS,
        "receivedAmount": num(o.received),
        "totalAmountRequired": num(o.data.crypto_amount),
        "cryptocurrency": o.data.currency.as_str(),
        "walletAddress": o.wallet,
        "transactionHash": o.tx_hash,
        "network": o.data.network.as_str().to_ascii_uppercase(),
    })
}

/// `GET /v1/order/details/{orderId}`.
pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let o = st
        .orders
        .get(ctx.param(0))
        .ok_or_else(|| ApiError::of(error::ORDER_NOT_FOUND))?;
    Ok(Reply::ok(order_json(o)))
}

/// `client.payment_links`: payment links and hosted checkouts.
pub mod payment_links {
    use super::*;

    /// `POST /v1/payment-link` and `POST /v1/payment-link/checkout`.
    fn create_link(app: &Arc<App>, ctx: &Ctx, checkout: bool) -> Result<Reply, ApiError> {
        let req: CreatePaymentLinkRequest = ctx.valid()?;
        supported(&req.currency)?;
        let id = uuid();
        let url = format!(
            "{}/_sandbox/pay/{id}{}",
            app.base_url,
            if checkout { "?checkout=1" } else { "" }
        );
        let created = app.now();
        let link = PaymentLink {
            id: id.clone(),
            amount: req.amount.value(),
            currency: req.currency,
            description: req.description,
            external_id: req.external_id,
            url: url.clone(),
            status: "ACTIVE",
            created_at: created,
            expires_at: created
                + chrono::Duration::from_std(app.scaled(Duration::from_secs(24 * 3600)))
                    .unwrap_or_default(),
        };
        app.write().links.insert(id.clone(), link);
        Ok(Reply::created(json!({ "paymentLinkId": id, "url": url })))
    }

    /// The status of a link, expiring it when its time is up.
    fn link_status(l: &PaymentLink, now: DateTime<Utc>) -> &'static str {
        if l.status == "ACTIVE" && now > l.expires_at {
            "EXPIRED"
        } else {
            l.status
        }
    }

    /// The payment-link details / webhook payload.
    pub(crate) fn link_json(l: &PaymentLink, now: DateTime<Utc>) -> Value {
        let status = link_status(l, now);
        json!({
            "paymentLinkId": l.id,
            "status": status,
            "amount": amount_str(l.amount, &l.currency),
            "currency": l.currency.as_str(),
            "url": l.url,
            "description": l.description,
            "externalId": l.external_id,
            "createdAt": iso(&l.created_at),
            "expiresAt": iso(&l.expires_at),
            "paidAmount": if status == "PAID" { amount_str(l.amount, &l.currency) } else { Value::Null },
        })
    }

    /// `GET /v1/payment-link/details/{paymentLinkId}`.
    pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let st = app.read();
        let l = st
            .links
            .get(ctx.param(0))
            .ok_or_else(|| ApiError::of(error::PAYMENT_LINK_NOT_FOUND))?;
        Ok(Reply::ok(link_json(l, app.now())))
    }

    /// Pays a link (sandbox control): the partner is credited and the webhook sent.
    pub(crate) fn pay_link(st: &mut State, id: &str, now: DateTime<Utc>) -> Result<Value, String> {
        let l = st.links.get_mut(id).ok_or("unknown payment link")?;
        match link_status(l, now) {
            "ACTIVE" => {}
            other => return Err(format!("the payment link is {other}")),
        }
        l.status = "PAID";
        let (amount, currency) = (l.amount, l.currency.clone());
        let body = link_json(l, now);
        st.partner.credit(&currency, amount);
        Ok(body)
    }

    /// `POST /v1/payment-link`.
    pub fn create(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        create_link(app, ctx, false)
    }

    /// `POST /v1/payment-link/checkout`.
    pub fn create_checkout(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        create_link(app, ctx, true)
    }
}
