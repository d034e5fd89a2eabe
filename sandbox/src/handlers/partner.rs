//! The partner's own account: balances, history, wallet, SEPA deposit details and contacts.

use std::sync::Arc;

use chrono::Datelike;
use p100::models::{CreateWalletRequest, TransactionHistoryQuery};
use p100::Currency;
use serde_json::{json, Value};

use super::supported;
use crate::api::Ctx;
use crate::app::App;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::state::{Contact, Holder, OpData, State};
use crate::util::{amount_str, iso, num, wallet};

/// Swift code of the sandbox bank (as in the docs' example).
pub const SWIFT: &str = "BZENLT22";
/// Account holder of the partner's deposit account (docs' example).
pub const ACCOUNT_HOLDER: &str = "P100 sp. z o.o.";
/// Bank address (docs' example).
pub const BANK_ADDRESS: &str = "Połonińska 19";

/// `GET /v1/partner/balances` — the hot path: one read lock, one JSON document.
pub fn balances(app: &Arc<App>, _ctx: &Ctx) -> Result<Reply, ApiError> {
    Ok(Reply::RawJson(app.partner_balances_json()))
}

/// `GET /v1/partner/transactions?month=&year=`.
pub fn transactions(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let q: TransactionHistoryQuery = ctx.valid_query()?;
    let st = app.read();
    Ok(Reply::ok(history(&st, &Holder::Partner, q.month, q.year)))
}

/// `POST /v1/partner/wallet` — a new deposit address for a crypto balance.
pub fn create_wallet(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: CreateWalletRequest = ctx.valid()?;
    supported(&req.currency)?;
    let network = req
        .network
        .clone()
        .or_else(|| req.currency.networks().first().cloned());
    let address = wallet(&req.currency);
    let mut st = app.write();
    if let Some(b) = st.partner.get_mut(&req.currency) {
        b.wallet = Some(address.clone());
    }
    Ok(Reply::created(json!({
        "address": address,
        "currency": req.currency.as_str(),
        "network": network.map(|n| n.as_str().to_string()),
    })))
}

/// `GET /v1/partner/sepa-deposit/info`.
pub fn sepa_deposit_info(app: &Arc<App>, _ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let iban = st
        .partner
        .get(&Currency::Eur)
        .and_then(|b| b.iban.clone())
        .unwrap_or_default();
    Ok(Reply::ok(json!({
        "title": st.partner_title,
        "iban": iban,
        "swift": SWIFT,
        "accountHolder": ACCOUNT_HOLDER,
        "address": BANK_ADDRESS,
    })))
}

/// `GET /v1/partner/sepa-deposit/contacts`.
pub fn sepa_contacts(app: &Arc<App>, _ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    Ok(Reply::ok(contacts_json(&st.partner_contacts)))
}

/// `{"contacts": [...]}`.
pub fn contacts_json(list: &[Contact]) -> Value {
    json!({
        "contacts": list
            .iter()
            .map(|c| json!({
                "iban": c.iban,
                "name": c.name,
                "status": "APPROVED",
                "createdAt": iso(&c.created_at),
            }))
            .collect::<Vec<_>>()
    })
}

/// The transactions of `holder` in one month: operations, deposits and orders.
pub fn history(st: &State, holder: &Holder, month: i32, year: i32) -> Value {
    let in_month = |t: &chrono::DateTime<chrono::Utc>| {
        i32::try_from(t.month()) == Ok(month) && t.year() == year
    };
    let mut items: Vec<(chrono::DateTime<chrono::Utc>, Value)> = Vec::new();
    for op in st.ops.values() {
        let involved = op.holder == *holder || matches!(&op.credit, Some((h, _, _)) if h == holder);
        if !involved || !in_month(&op.created_at) {
            continue;
        }
        let out = op.holder == *holder;
        let (kind, amount, currency, fee, desc) = match &op.data {
            OpData::Exchange {
                amount,
                from,
                to,
                fee,
                ..
            } => (
                "exchange",
                *amount,
                from.clone(),
                Some(*fee),
                format!("{} → {}", from.as_str(), to.as_str()),
            ),
            OpData::Sepa {
                amount, fee, title, ..
            } => (
                "sepa_transfer",
                *amount,
                Currency::Eur,
                Some(*fee),
                title.clone(),
            ),
            OpData::Withdrawal {
                amount,
                fee,
                currency,
                address,
                ..
            } => (
                "crypto_withdrawal",
                *amount,
                currency.clone(),
                Some(*fee),
                address.clone(),
            ),
            OpData::Transfer {
                amount, currency, ..
            } => ("transfer", *amount, currency.clone(), None, String::new()),
        };
        items.push((
            op.created_at,
            json!({
                "id": op.id,
                "type": kind,
                "amount": amount_str(amount, &currency),
                "currency": currency.as_str(),
                "status": op.status,
                "createdAt": iso(&op.created_at),
                "fee": fee.map(num),
                "direction": if out { "OUT" } else { "IN" },
                "description": desc,
            }),
        ));
    }
    for d in st.deposits.values() {
        if d.holder == *holder && in_month(&d.created_at) {
            items.push((
                d.created_at,
                json!({
                    "id": d.id,
                    "type": "crypto_deposit",
                    "amount": amount_str(d.amount, &d.currency),
                    "currency": d.currency.as_str(),
                    "status": d.status,
                    "createdAt": iso(&d.created_at),
                    "direction": "IN",
                    "description": d.tx_hash,
                }),
            ));
        }
    }
    for d in st.sepa_deposits.values() {
        if d.holder == *holder && in_month(&d.created_at) {
            items.push((
                d.created_at,
                json!({
                    "id": d.id,
                    "type": "sepa_deposit",
                    "amount": amount_str(d.amount, &Currency::Eur),
                    "currency": "eur",
                    "status": d.status,
                    "createdAt": iso(&d.created_at),
                    "direction": "IN",
                    "description": d.reference,
                }),
            ));
        }
    }
    if *holder == Holder::Partner {
        for o in st.orders.values() {
            if in_month(&o.created_at) {
                items.push((
                    o.created_at,
                    json!({
                        "id": o.id,
                        "type": "order",
                        "amount": amount_str(o.data.fiat_amount, &Currency::Eur),
                        "currency": "eur",
                        "status": o.status,
                        "createdAt": iso(&o.created_at),
                        "direction": "IN",
                        "description": format!("order paid in {}", o.data.currency.as_str()),
                    }),
                ));
            }
        }
    }
    items.sort_by_key(|b| std::cmp::Reverse(b.0));
    json!({ "transactions": items.into_iter().map(|(_, v)| v).collect::<Vec<_>>() })
}
