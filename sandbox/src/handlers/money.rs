//! Money movement: exchange (locks, execution, details), SEPA transfers, crypto withdrawals,
//! travel-rule updates of crypto deposits, internal transfers, and their settlement.

use std::sync::Arc;
use std::time::{Duration, Instant};

use p100::models::{
    ExchangeLockQuery, NetworkFeeQuery, PartnerCryptoWithdrawalRequest, PartnerExchangeRequest,
    PartnerSepaTransferRequest, TransferRequest, TravelRuleUpdateRequest,
    UserCryptoWithdrawalRequest, UserExchangeRequest, UserSepaTransferRequest,
};
use p100::{Currency, Network};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{accept, fiat_active, new_tx_hash, not_suspended, op_event, op_json, supported, user};
use crate::api::{check, Ctx};
use crate::app::App;
use crate::catalog;
use crate::error::{self, ApiError};
use crate::reply::Reply;
use crate::state::{Holder, Lock, Op, OpData, State};
use crate::util::{dec, floor_dp, iso, num, round_dp, uuid};

fn op_details(
    app: &Arc<App>,
    id: &str,
    kind: fn(&OpData) -> bool,
    missing: error::Code,
) -> Result<Reply, ApiError> {
    let st = app.read();
    match st.ops.get(id).filter(|o| kind(&o.data)) {
        Some(op) => Ok(Reply::ok(op_json(&st, op, false))),
        None => Err(ApiError::of(missing)),
    }
}

/// `client.exchange`: rates, locks, execution, details.
pub mod exchange {
    use super::*;

    /// `GET /v1/exchange/get-rate` — indicative rates to EUR.
    pub fn rates(_app: &Arc<App>, _ctx: &Ctx) -> Result<Reply, ApiError> {
        Ok(Reply::ok(rates_json()))
    }

    fn rates_json() -> Value {
        let mut m = Map::new();
        for c in catalog::CURRENCIES {
            m.insert(c.code.to_string(), num(dec(c.rate)));
        }
        Value::Object(m)
    }

    /// The units of `to` that one unit of `from` buys, as shown in a reply: 8 decimals, and at
    /// least 8 significant digits below 1 (1 EUR is 0.0000097868393 BTC, not 0.00000979).
    /// Amounts are never computed from this rounded rate (see [`convert`]).
    pub(crate) fn cross_rate(from: &Currency, to: &Currency) -> Option<Decimal> {
        let f = catalog::rate(from)?;
        let t = catalog::rate(to)?;
        if t.is_zero() {
            return None;
        }
        let r = f / t;
        if r < Decimal::ONE {
            r.round_sf(8)
        } else {
            Some(round_dp(r, 8))
        }
    }

    /// `amount` of `from` in `to`, at the published EUR rates of both (the lock's `rates`),
    /// rounded down to `to`'s precision: multiplied before dividing, so no rounded cross rate
    /// makes money appear (10,000 EUR → BTC at a 3-digit rate credited 0.05 % too much). `None`
    /// when a rate is missing or the product does not fit (amounts are capped at 10^15, so it
    /// always does): the exchange is then refused, never credited as zero.
    pub(crate) fn convert(amount: Decimal, from: &Currency, to: &Currency) -> Option<Decimal> {
        let (f, t) = (catalog::rate(from)?, catalog::rate(to)?);
        let value = amount.checked_mul(f)?.checked_div(t)?;
        Some(floor_dp(value, to.precision()))
    }

    /// Stores a new lock valid for `ttl` × time scale.
    pub(crate) fn new_lock(app: &App, st: &mut State, holder: Holder, ttl: Duration) -> Lock {
        let ttl = app.scaled(ttl);
        let created = app.now();
        let lock = Lock {
            id: uuid(),
            holder,
            created_at: created,
            valid_until: created + chrono::Duration::from_std(ttl).unwrap_or_default(),
            expires: app.instant() + ttl,
            used: false,
            order: None,
        };
        st.locks.insert(lock.id.clone(), lock.clone());
        lock
    }

    fn lock_reply(
        app: &App,
        holder: Holder,
        q: Option<&ExchangeLockQuery>,
    ) -> Result<Reply, ApiError> {
        if let Some(q) = q {
            if let Some(c) = &q.currency_from {
                supported(c)?;
            }
            if let Some(c) = &q.currency_to {
                supported(c)?;
            }
        }
        let mut st = app.write();
        if let Some(u) = holder.user() {
            user(&st, u)?;
        }
        let lock = new_lock(
            app,
            &mut st,
            holder,
            Duration::from_secs(catalog::LOCK_TTL_SECS),
        );
        let mut m = Map::new();
        m.insert("id".into(), json!(lock.id));
        m.insert("rates".into(), rates_json());
        m.insert(
            "feePercentage".into(),
            num(dec(catalog::EXCHANGE_FEE_PERCENT)),
        );
        m.insert("createdAt".into(), json!(iso(&lock.created_at)));
        m.insert("validUntil".into(), json!(iso(&lock.valid_until)));
        if let Some(q) = q {
            if let (Some(f), Some(t)) = (&q.currency_from, &q.currency_to) {
                m.insert("currencyFrom".into(), json!(f.as_str()));
                m.insert("currencyTo".into(), json!(t.as_str()));
                if let Some(r) = cross_rate(f, t) {
                    m.insert("rate".into(), num(r));
                }
            }
        }
        Ok(Reply::ok(Value::Object(m)))
    }

    /// `GET /v1/partner/exchange/get-lock[?currencyFrom=&currencyTo=&amount=]`.
    pub fn partner_lock(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let q: ExchangeLockQuery = ctx.valid_query()?;
        lock_reply(app, Holder::Partner, Some(&q))
    }

    /// `GET /v1/exchange/get-lock/{externalUserId}`.
    pub fn user_lock(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        lock_reply(app, Holder::User(ctx.param(0).to_string()), None)
    }

    /// Consumes an exchange or order lock: P436 unknown/used/other owner, P437 expired.
    /// `now` is the sandbox clock's [`App::instant`].
    pub(crate) fn use_lock(
        st: &mut State,
        now: Instant,
        lock_id: &str,
        holder: &Holder,
        order: bool,
    ) -> Result<Lock, ApiError> {
        let lock = st
            .locks
            .get_mut(lock_id)
            .filter(|l| !l.used && &l.holder == holder && l.order.is_some() == order)
            .ok_or_else(|| ApiError::of(error::LOCK_NOT_FOUND))?;
        if now >= lock.expires {
            return Err(ApiError::with(
                error::LOCK_EXPIRED,
                format!(
                    "The lock expired at {}; create a new lock.",
                    iso(&lock.valid_until)
                ),
            ));
        }
        lock.used = true;
        Ok(lock.clone())
    }

    fn exchange(
        app: &Arc<App>,
        holder: Holder,
        amount: Decimal,
        from: Currency,
        to: Currency,
        lock_id: &str,
    ) -> Result<Reply, ApiError> {
        supported(&from)?;
        supported(&to)?;
        let rate = cross_rate(&from, &to).unwrap_or(Decimal::ZERO);
        let pct = dec(catalog::EXCHANGE_FEE_PERCENT);
        let fee = round_dp(amount * pct / Decimal::from(100), from.precision());
        let received = convert(amount - fee, &from, &to).ok_or_else(|| {
            ApiError::validation("amount cannot be converted at the sandbox's rates")
        })?;
        let mut st = app.write();
        if let Some(u) = holder.user() {
            let u = user(&st, u)?;
            not_suspended(u)?;
            fiat_active(u, &from)?;
            fiat_active(u, &to)?;
        }
        use_lock(&mut st, app.instant(), lock_id, &holder, false)?;
        let op = Op {
            id: uuid(),
            holder: holder.clone(),
            status: "PENDING",
            created_at: app.now(),
            error: None,
            debit: (holder.clone(), from.clone(), amount),
            reserved: false,
            credit: Some((holder, to.clone(), received)),
            data: OpData::Exchange {
                amount,
                from,
                to,
                rate,
                fee,
                received,
            },
        };
        let id = accept(app, &mut st, op);
        Ok(Reply::ok(json!({ "exchangeId": id })))
    }

    /// `POST /v1/partner/exchange`.
    pub fn partner_execute(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: PartnerExchangeRequest = ctx.valid()?;
        exchange(
            app,
            Holder::Partner,
            r.amount.value(),
            r.currency_from,
            r.currency_to,
            &r.lock_id,
        )
    }

    /// `POST /v1/exchange`.
    pub fn user_execute(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: UserExchangeRequest = ctx.valid()?;
        exchange(
            app,
            Holder::User(r.source_external_user_id),
            r.amount.value(),
            r.currency_from,
            r.currency_to,
            &r.lock_id,
        )
    }

    /// `GET /v1/exchange/details/{exchangeId}`.
    pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        op_details(
            app,
            ctx.param(0),
            |d| matches!(d, OpData::Exchange { .. }),
            error::EXCHANGE_NOT_FOUND,
        )
    }
}

/// `client.sepa`: SEPA transfers.
pub mod sepa {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    fn sepa(
        app: &Arc<App>,
        holder: Holder,
        amount: Decimal,
        iban: String,
        title: String,
        first_name: Option<String>,
        last_name: Option<String>,
        company: Option<String>,
    ) -> Result<Reply, ApiError> {
        let mut st = app.write();
        if let Some(u) = holder.user() {
            let u = user(&st, u)?;
            not_suspended(u)?;
            if u.iban().is_none() {
                return Err(ApiError::with(
                    error::USER_NOT_VERIFIED,
                    "User not verified: SEPA needs an ACTIVE fiat balance (Add User Verification).",
                ));
            }
        }
        let fee = catalog::sepa_fee(amount);
        let op = Op {
            id: uuid(),
            holder: holder.clone(),
            status: "PENDING",
            created_at: app.now(),
            error: None,
            debit: (holder, Currency::Eur, amount + fee),
            reserved: false,
            credit: None,
            data: OpData::Sepa {
                amount,
                fee,
                title,
                iban: iban
                    .split_whitespace()
                    .collect::<String>()
                    .to_ascii_uppercase(),
                first_name,
                last_name,
                company,
            },
        };
        let id = accept(app, &mut st, op);
        Ok(Reply::created(json!({ "transferId": id })))
    }

    /// `POST /v1/partner/sepa-transfer`.
    pub fn partner_transfer(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: PartnerSepaTransferRequest = ctx.valid()?;
        sepa(
            app,
            Holder::Partner,
            r.amount.value(),
            r.destination_iban,
            r.transfer_title,
            r.receiver_first_name,
            r.receiver_last_name,
            r.company_name,
        )
    }

    /// `POST /v1/sepa-transfer`.
    pub fn user_transfer(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: UserSepaTransferRequest = ctx.valid()?;
        sepa(
            app,
            Holder::User(r.source_external_user_id),
            r.amount.value(),
            r.destination_iban,
            r.transfer_title,
            r.receiver_first_name,
            r.receiver_last_name,
            r.company_name,
        )
    }

    /// `GET /v1/sepa-transfer/details/{transferId}` — 404 P428 when unknown.
    pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        op_details(
            app,
            ctx.param(0),
            |d| matches!(d, OpData::Sepa { .. }),
            error::SEPA_NOT_FOUND,
        )
    }
}

/// `client.crypto`: network fees, withdrawals, travel rule data.
pub mod crypto {
    use super::*;

    /// `GET /v1/crypto-withdrawal/get-network-fee?currency=&network=`.
    pub fn network_fee(_app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        // A currency the API does not know is "Currency not found" (P410, docs), before the
        // shared validation (which refuses it as P403, as it refuses a fiat currency).
        let q: NetworkFeeQuery = ctx.query()?;
        if matches!(q.currency, Currency::Unknown(_)) {
            supported(&q.currency)?;
        }
        check(&q)?;
        supported(&q.currency)?;
        let n = catalog::net(&q.currency, q.network.as_ref())
            .ok_or_else(|| ApiError::validation("network is not available for this currency"))?;
        Ok(Reply::ok(json!({ "networkFee": num(dec(n.network_fee)) })))
    }

    #[allow(clippy::too_many_arguments)]
    fn withdrawal(
        app: &Arc<App>,
        holder: Holder,
        currency: Currency,
        amount: Decimal,
        network: Option<Network>,
        address: String,
        memo: Option<String>,
    ) -> Result<Reply, ApiError> {
        supported(&currency)?;
        let n = catalog::net(&currency, network.as_ref())
            .ok_or_else(|| ApiError::validation("network is not available for this currency"))?;
        let min = dec(n.min_withdrawal);
        if amount < min {
            return Err(ApiError::validation(format!(
                "amount must be at least {} {} on {}",
                min.normalize(),
                currency.as_str(),
                n.key
            )));
        }
        let fee = dec(n.fee_withdrawal) + dec(n.network_fee);
        let mut st = app.write();
        if let Some(u) = holder.user() {
            let u = user(&st, u)?;
            not_suspended(u)?;
            fiat_active(u, &currency)?;
        }
        let op = Op {
            id: uuid(),
            holder: holder.clone(),
            status: "PENDING",
            created_at: app.now(),
            error: None,
            debit: (holder, currency.clone(), amount + fee),
            reserved: false,
            credit: None,
            data: OpData::Withdrawal {
                amount,
                fee,
                currency,
                network: (n.network)(),
                address,
                memo,
                tx_hash: None,
            },
        };
        let id = accept(app, &mut st, op);
        Ok(Reply::created(json!({ "withdrawalId": id })))
    }

    /// `POST /v1/partner/crypto-withdrawal`.
    pub fn partner_withdrawal(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: PartnerCryptoWithdrawalRequest = ctx.valid()?;
        withdrawal(
            app,
            Holder::Partner,
            r.currency,
            r.amount.value(),
            r.network,
            r.wallet_address,
            r.memo,
        )
    }

    /// `POST /v1/crypto-withdrawal`.
    pub fn user_withdrawal(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: UserCryptoWithdrawalRequest = ctx.valid()?;
        withdrawal(
            app,
            Holder::User(r.source_external_user_id),
            r.currency,
            r.amount.value(),
            r.network,
            r.wallet_address,
            r.memo,
        )
    }

    /// `GET /v1/crypto-withdrawal/details/{withdrawalId}`.
    pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        op_details(
            app,
            ctx.param(0),
            |d| matches!(d, OpData::Withdrawal { .. }),
            error::WITHDRAWAL_NOT_FOUND,
        )
    }

    /// `PATCH /v1/crypto-deposit/travel-rule/{cryptoDepositId}` — releases a deposit held in
    /// `WAITING_FOR_TR_DATA`: it goes `WAITING_FOR_VERIFICATION`, then `SUCCESSFUL` (credited).
    pub fn update_travel_rule(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let mut r: TravelRuleUpdateRequest = ctx.json()?;
        r.crypto_deposit_id = ctx.param(0).to_string();
        check(&r)?;
        let payload = {
            let mut st = app.write();
            let d = st
                .deposits
                .get_mut(&r.crypto_deposit_id)
                .ok_or_else(|| ApiError::of(error::DEPOSIT_NOT_FOUND))?;
            if d.status != "WAITING_FOR_TR_DATA" {
                return Err(ApiError::with(
                    error::TRAVEL_RULE_NOT_REQUIRED,
                    format!("The deposit is {}, not WAITING_FOR_TR_DATA.", d.status),
                ));
            }
            d.status = "WAITING_FOR_VERIFICATION";
            deposit_json(d)
        };
        app.emit("crypto_deposit", payload);
        let id = r.crypto_deposit_id.clone();
        app.after_settle(move |app| settle_deposit(app, &id, "SUCCESSFUL"));
        Ok(Reply::empty())
    }

    /// The crypto-deposit webhook payload.
    pub(crate) fn deposit_json(d: &crate::state::CryptoDeposit) -> Value {
        json!({
            "externalUserId": d.holder.user(),
            "cryptoDepositId": d.id,
            "amount": num(d.amount),
            "currency": d.currency.as_str(),
            "status": d.status,
            "transactionHash": d.tx_hash,
            "createdAt": iso(&d.created_at),
        })
    }

    /// Moves a pending deposit to `status` (crediting on SUCCESSFUL) and sends the webhook.
    pub(crate) fn settle_deposit(app: &Arc<App>, id: &str, status: &'static str) {
        let payload = {
            let mut st = app.write();
            let Some(holder) = st.deposits.get(id).map(|d| d.holder.clone()) else {
                return;
            };
            let status = if st.is_frozen(&holder) {
                "UNSUCCESSFUL"
            } else {
                status
            };
            let Some(d) = st.deposits.get_mut(id) else {
                return;
            };
            if matches!(
                d.status,
                "SUCCESSFUL" | "UNSUCCESSFUL" | "WAITING_FOR_TR_DATA"
            ) {
                return;
            }
            d.status = status;
            let d = d.clone();
            if status == "SUCCESSFUL" {
                if let Some(acc) = st.account_mut(&d.holder) {
                    acc.credit(&d.currency, d.amount);
                }
            }
            deposit_json(&d)
        };
        app.emit("crypto_deposit", payload);
    }
}

/// `client.transfers`: internal transfers.
pub mod transfers {
    use super::*;

    /// `POST /v1/transfer` — funding (`destinationExternalUserId`) or collection
    /// (`sourceExternalUserId`); P424 when neither is given.
    pub fn create(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let r: TransferRequest = ctx.json()?;
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.is_empty());
        if blank(&r.source_external_user_id) && blank(&r.destination_external_user_id) {
            return Err(ApiError::of(error::SOURCE_OR_DESTINATION));
        }
        check(&r)?;
        supported(&r.currency)?;
        let amount = r.amount.value();
        let mut st = app.write();
        let (debit, credit) = match (&r.source_external_user_id, &r.destination_external_user_id) {
            (Some(src), _) => {
                let u = user(&st, src)?;
                not_suspended(u)?;
                fiat_active(u, &r.currency)?;
                (Holder::User(src.clone()), Holder::Partner)
            }
            (None, Some(dst)) => {
                let u = user(&st, dst)?;
                not_suspended(u)?;
                fiat_active(u, &r.currency)?;
                (Holder::Partner, Holder::User(dst.clone()))
            }
            (None, None) => return Err(ApiError::of(error::SOURCE_OR_DESTINATION)),
        };
        let op = Op {
            id: uuid(),
            holder: debit.clone(),
            status: "PENDING",
            created_at: app.now(),
            error: None,
            debit: (debit, r.currency.clone(), amount),
            reserved: false,
            credit: Some((credit, r.currency.clone(), amount)),
            data: OpData::Transfer {
                amount,
                currency: r.currency,
                source: r.source_external_user_id,
                destination: r.destination_external_user_id,
            },
        };
        let id = accept(app, &mut st, op);
        Ok(Reply::created(json!({ "transferId": id })))
    }

    /// `GET /v1/transfer/details/{transferId}`.
    pub fn details(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        op_details(
            app,
            ctx.param(0),
            |d| matches!(d, OpData::Transfer { .. }),
            error::TRANSFER_NOT_FOUND,
        )
    }
}

// ---- settlement ----------------------------------------------------------------------------

/// A user was deleted: what was still on its way to them ends now, so that a user created later
/// under the same `externalUserId` (another person, or the next run of a test) never receives it
/// (outside review, stop 45: a deleted user's pending 500 EUR reached the new one), nor pays
/// for it (an operation of theirs whose funds were short would take them from the new user at
/// settlement). Operations that credit or debit them fail with P412 `invalid-user`, a reserved
/// debit refunded to a holder that still exists; their pending crypto deposits end
/// `UNSUCCESSFUL` and SEPA deposits `REJECTED`. Returns the webhooks to send.
pub(crate) fn end_pending_for_deleted(st: &mut State, id: &str) -> Vec<(&'static str, Value)> {
    let them = Holder::User(id.to_string());
    let mut events = Vec::new();
    let ops: Vec<String> = st
        .ops
        .values()
        .filter(|op| {
            op.status == "PENDING"
                && (op.debit.0 == them || op.credit.as_ref().is_some_and(|c| c.0 == them))
        })
        .map(|op| op.id.clone())
        .collect();
    for op_id in ops {
        let Some(op) = st.ops.get_mut(&op_id) else {
            continue;
        };
        op.status = "FAILED";
        op.error = Some(ApiError::of(error::INVALID_USER).body());
        let (reserved, (holder, currency, amount)) = (op.reserved, op.debit.clone());
        op.reserved = false;
        let op = op.clone();
        if reserved {
            if let Some(acc) = st.account_mut(&holder) {
                acc.credit(&currency, amount);
            }
        }
        events.push((op_event(&op), op_json(st, &op, true)));
    }
    for d in st.deposits.values_mut() {
        if d.holder == them && !matches!(d.status, "SUCCESSFUL" | "UNSUCCESSFUL") {
            d.status = "UNSUCCESSFUL";
            events.push(("crypto_deposit", crypto::deposit_json(d)));
        }
    }
    for d in st.sepa_deposits.values_mut() {
        if d.holder == them && d.status == "PENDING" {
            d.status = "REJECTED";
            events.push(("iban_status", crate::controls::iban_status_json(d)));
        }
    }
    events
}

/// Moves a PENDING operation to its final status: success when its funds were reserved, or
/// are there now (funds are P100's business when it processes the operation, not when it
/// accepts it: money that came in meanwhile counts, outside review, stop 45), crediting the
/// other side; FAILED with P433 `insufficient-funds` when they are still short.
pub fn settle_op(app: &Arc<App>, id: &str) {
    let (event, payload) = {
        let mut st = app.write();
        let Some(op) = st.ops.get(id).cloned() else {
            return;
        };
        if op.status != "PENDING" {
            return;
        }
        let mut error = None;
        // Funds not reserved at acceptance are taken now if they came in, unless their holder
        // was suspended meanwhile (a frozen user pays nothing: the review of this stop's diff
        // saw a suspended user pay at settlement).
        let frozen_payer = !op.reserved && st.is_frozen(&op.debit.0);
        let mut ok = op.reserved
            || (!frozen_payer && {
                let (holder, currency, needed) = &op.debit;
                st.account_mut(holder)
                    .is_some_and(|a| a.try_debit(currency, *needed))
            });
        if frozen_payer {
            error = Some(ApiError::of(error::USER_SUSPENDED).body());
        } else if !ok {
            let (holder, currency, needed) = &op.debit;
            let available = st
                .account(holder)
                .map_or(Decimal::ZERO, |a| a.available(currency));
            error = Some(
                ApiError::with(
                    error::INSUFFICIENT_FUNDS,
                    format!(
                        "Insufficient funds: {} {} needed, {} available.",
                        crate::util::fixed(*needed, currency.precision()),
                        currency.as_str(),
                        crate::util::fixed(available, currency.precision()),
                    ),
                )
                .body(),
            );
        } else if let Some((h, c, a)) = &op.credit {
            let frozen = st.is_frozen(h);
            match st.account_mut(h) {
                Some(acc) if !frozen => acc.credit(c, *a),
                Some(_) => {
                    // Suspended meanwhile: a frozen user takes no deposit (the docs), so the
                    // money goes back and the operation fails (outside review, stop 45).
                    let (dh, dc, da) = op.debit.clone();
                    if let Some(acc) = st.account_mut(&dh) {
                        acc.credit(&dc, da);
                    }
                    ok = false;
                    error = Some(ApiError::of(error::USER_SUSPENDED).body());
                }
                None => {
                    // The receiving user was deleted meanwhile: refund and fail.
                    let (dh, dc, da) = op.debit.clone();
                    if let Some(acc) = st.account_mut(&dh) {
                        acc.credit(&dc, da);
                    }
                    ok = false;
                    error = Some(ApiError::of(error::INVALID_USER).body());
                }
            }
        }
        let Some(stored) = st.ops.get_mut(id) else {
            return;
        };
        stored.status = match (&stored.data, ok) {
            (_, false) => "FAILED",
            (OpData::Exchange { .. }, true) => "COMPLETED",
            (_, true) => "SUCCESSFUL",
        };
        stored.error = error;
        if let OpData::Withdrawal {
            tx_hash, currency, ..
        } = &mut stored.data
        {
            if ok {
                *tx_hash = Some(new_tx_hash(currency));
            }
        }
        let op = stored.clone();
        (op_event(&op), op_json(&st, &op, true))
    };
    app.emit(event, payload);
}
