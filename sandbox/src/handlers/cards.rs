//! Virtual cards: create, list, details, PIN, block/unblock, limits, delete.

use std::sync::Arc;

use p100::models::{CardRef, CreateCardRequest, UpdateCardLimitsRequest, UpdatePinRequest};
use serde_json::{json, Map, Value};

use super::{not_suspended, user, user_mut};
use crate::api::Ctx;
use crate::app::App;
use crate::catalog;
use crate::error::{self, ApiError};
use crate::reply::Reply;
use crate::state::{default_limits, Card, User, UserModel};
use crate::util::{cvv, expiry, num, pan, uuid};

fn card_mut<'a>(u: &'a mut User, card_id: &str) -> Result<&'a mut Card, ApiError> {
    u.cards
        .iter_mut()
        .find(|c| c.id == card_id && c.status != "DELETED")
        .ok_or_else(|| ApiError::of(error::CARD_NOT_EXIST))
}

fn card<'a>(u: &'a User, card_id: &str) -> Result<&'a Card, ApiError> {
    u.cards
        .iter()
        .find(|c| c.id == card_id && c.status != "DELETED")
        .ok_or_else(|| ApiError::of(error::CARD_NOT_EXIST))
}

/// `POST /v1/card/virtual` — P412, P455 suspended, P459 not verified, P451 a country outside
/// the EU, P452 over 10 cards or over a creation limit ([`catalog::CARD_CREATION_LIMITS`]:
/// 5 in 24 hours, 10 in 30 days, 20 in a year, on the sandbox's clock).
pub fn create(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: CreateCardRequest = ctx.valid()?;
    let mut st = app.write();
    let (card_pan, card_cvv) = st.next_card.clone().unwrap_or_else(|| (pan(), cvv()));
    let u = user_mut(&mut st, &req.external_user_id)?;
    not_suspended(u)?;
    if u.model == UserModel::NoKyc || !u.verified {
        return Err(ApiError::with(
            error::USER_NOT_VERIFIED,
            "User not verified: cards need a verified user of the KYC model.",
        ));
    }
    if !catalog::CARD_COUNTRIES.contains(&u.country.as_str()) {
        return Err(ApiError::of(error::FORBIDDEN_COUNTRY_CARD));
    }
    if u.cards.iter().filter(|c| c.status != "DELETED").count() >= catalog::MAX_CARDS {
        return Err(ApiError::of(error::CARD_LIMIT));
    }
    let now = app.now();
    for (secs, most, window) in catalog::CARD_CREATION_LIMITS {
        let since = now - chrono::Duration::seconds(secs);
        if u.cards.iter().filter(|c| c.created_at > since).count() >= most {
            return Err(ApiError::with(
                error::CARD_LIMIT,
                format!("At most {most} cards can be created in {window}."),
            ));
        }
    }
    let c = Card {
        id: uuid(),
        label: req.label,
        pan: card_pan,
        cvv: card_cvv,
        exp: expiry(),
        pin: req.pin.expose().to_string(),
        status: "ACTIVE",
        limits: default_limits(),
        created_at: now,
    };
    let body = json!({
        "cardId": c.id,
        "cardNumber": c.pan,
        "cvv": c.cvv,
        "exp": c.exp,
    });
    u.cards.push(c);
    Ok(Reply::ok(body))
}

/// `GET /v1/card/all/{externalUserId}` — deleted cards are not listed.
pub fn list(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let u = user(&st, ctx.param(0))?;
    let cards: Vec<Value> = u
        .cards
        .iter()
        .filter(|c| c.status != "DELETED")
        .map(|c| {
            json!({
                "cardId": c.id,
                "status": c.status,
                "label": c.label,
                "cardLastDigits": &c.pan[c.pan.len().saturating_sub(4)..],
            })
        })
        .collect();
    Ok(Reply::ok(json!({ "cards": cards })))
}

/// `GET /v1/card/details/{externalUserId}/{cardId}` — full PAN, CVV and expiry.
pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let u = user(&st, ctx.param(0))?;
    let c = card(u, ctx.param(1))?;
    Ok(Reply::ok(json!({
        "cardId": c.id,
        "cardNumber": c.pan,
        "cvv": c.cvv,
        "exp": c.exp,
        "status": c.status,
        "label": c.label,
    })))
}

/// `PATCH /v1/card/pin`.
pub fn update_pin(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: UpdatePinRequest = ctx.valid()?;
    let mut st = app.write();
    let u = user_mut(&mut st, &req.external_user_id)?;
    card_mut(u, &req.card_id)?.pin = req.pin.expose().to_string();
    Ok(Reply::empty())
}

fn set_status(app: &Arc<App>, ctx: &Ctx, status: &'static str) -> Result<Reply, ApiError> {
    let req: CardRef = ctx.valid()?;
    let mut st = app.write();
    let u = user_mut(&mut st, &req.external_user_id)?;
    if status == "ACTIVE" {
        // Under the same lock as the change: a suspension cannot slip in between.
        not_suspended(u)?;
    }
    card_mut(u, &req.card_id)?.status = status;
    Ok(Reply::empty())
}

/// `PATCH /v1/card/block` → `LOCKED_BY_USER`.
pub fn block(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    set_status(app, ctx, "LOCKED_BY_USER")
}

/// `PATCH /v1/card/unblock` → `ACTIVE`; P455 while the user is suspended (a suspended user
/// may hold no active card: P454 refuses the suspension otherwise).
pub fn unblock(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    set_status(app, ctx, "ACTIVE")
}

/// `DELETE /v1/card` (JSON body) → gone for good; P434 afterwards.
pub fn delete(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    set_status(app, ctx, "DELETED")
}

/// `GET /v1/card/limits/{externalUserId}/{cardId}`.
pub fn limits(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let u = user(&st, ctx.param(0))?;
    let c = card(u, ctx.param(1))?;
    let mut m = Map::new();
    for (k, v) in c.limits {
        m.insert(k.to_string(), num(v));
    }
    Ok(Reply::ok(Value::Object(m)))
}

/// `PATCH /v1/card/limits` — only the limits given change.
pub fn update_limits(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: UpdateCardLimitsRequest = ctx.valid()?;
    let mut st = app.write();
    let u = user_mut(&mut st, &req.external_user_id)?;
    let c = card_mut(u, &req.card_id)?;
    let given = [
        ("monthlyTrxAll", req.monthly_trx_all),
        ("dailyTrxAll", req.daily_trx_all),
        ("monthlyTrxAtm", req.monthly_trx_atm),
        ("dailyTrxAtm", req.daily_trx_atm),
        ("monthlyTrxEcom", req.monthly_trx_ecom),
        ("dailyTrxEcom", req.daily_trx_ecom),
    ];
    for (name, value) in given {
        if let Some(v) = value {
            if let Some(slot) = c.limits.iter_mut().find(|(k, _)| *k == name) {
                slot.1 = v.value();
            }
        }
    }
    Ok(Reply::empty())
}

/// `GET /v1/card/transactions/{externalUserId}/{cardId}`: the sandbox makes no card payments,
/// so a card it knows has none.
pub fn transactions(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    card(user(&st, ctx.param(0))?, ctx.param(1))?;
    Ok(Reply::ok(json!({ "transactions": [] })))
}
