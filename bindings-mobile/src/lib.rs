//! # p100-mobile — the P100 SDK for Swift and Kotlin (uniffi)
//!
//! A thin layer over the `p100` crate: it converts arguments and results and maps errors, nothing
//! else. Models, enums, custom types ([`Amount`], [`SecretString`]) and the error type
//! ([`P100Error`]) come from the core (feature `uniffi`, see `core/src/bindings/uniffi.rs`); this
//! crate exports the client, its resource groups and the webhook helpers.
//!
//! ```text
//! Kotlin:  val client = Client(apiKey, baseUrl)
//!          val balances = client.partner().balances()          // suspend fun
//! Swift:   let client = try Client(apiKey: key, baseUrl: url)
//!          let balances = try await client.partner().balances()
//! ```
//!
//! Every exported impl uses `async_runtime = "tokio"`: the HTTP stack (reqwest) needs a Tokio
//! reactor, which uniffi provides to each future; the foreign side drives the future (Kotlin
//! coroutines, Swift concurrency).

// `P100Error` is returned by value across the FFI (its fields are what Swift/Kotlin see), so it
// cannot be boxed.
#![allow(clippy::result_large_err)]

use std::sync::Arc;
use std::time::Duration;

use p100::bindings::uniffi::P100Error;
use p100::client::Environment;
use p100::models::*;
use p100::webhooks::{self as hooks, *};
use p100::{Amount, Fingerprint, Reconciliation, SecretString, WaitOptions};

uniffi::setup_scaffolding!("p100_mobile");

// Core models that are declared with `#[uniffi::remote]` in the core (not through `model!`).
uniffi::use_remote_type!(p100::Balances);
uniffi::use_remote_type!(p100::FileUpload);
uniffi::use_remote_type!(p100::ExchangeRates);
uniffi::use_remote_type!(p100::OrderRates);
uniffi::use_remote_type!(p100::TransactionHistory);
uniffi::use_remote_type!(p100::SepaContacts);
uniffi::use_remote_type!(p100::Environment);
uniffi::use_remote_type!(p100::Fingerprint);
uniffi::use_remote_type!(p100::Reconciliation);

/// Every exported call returns this.
type Result<T, E = P100Error> = std::result::Result<T, E>;

/// Converts a core result.
fn ok<T>(r: p100::Result<T>) -> Result<T> {
    r.map_err(P100Error::from)
}

/// A duration given in milliseconds from Swift/Kotlin (`Int64`/`Long`), within the core's
/// bounds (0 to 2^31 − 1 ms, as in every language).
fn millis(field: &str, ms: Option<i64>) -> Result<Option<Duration>> {
    ms.map(|v| p100::client::duration_from_millis(field, v as f64, true))
        .transpose()
        .map_err(P100Error::from)
}

/// A client setting: a bad value is a `Config` error naming the field, as in every language.
fn setting<T>(r: Result<T>) -> Result<T> {
    r.map_err(|e| match e {
        P100Error::Validation { reason, field, .. } => P100Error::from(
            p100::Error::validation(field.as_deref().unwrap_or("options"), reason).into_config(),
        ),
        other => other,
    })
}

/// A retry count given as `Int32`/`Int` from Swift/Kotlin: 0 to 10, as in every language.
fn count(field: &str, n: Option<i32>) -> Result<Option<u32>> {
    n.map(|v| p100::client::max_retries_from(field, i64::from(v)))
        .transpose()
        .map_err(P100Error::from)
}

/// Options of [`Client::with_options`]. Unset fields keep the SDK defaults (staging, 60 s
/// timeout per attempt, 2 retries).
#[derive(uniffi::Record)]
pub struct ClientOptions {
    /// The API key (sent as `x-api-key`). A [`SecretString`]: `Secret` on the foreign side, so
    /// printing the options never shows it.
    pub api_key: SecretString,
    /// A base URL (overrides `environment`), e.g. a local sandbox `http://127.0.0.1:8080`.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// Staging (default) or production.
    #[uniffi(default = None)]
    pub environment: Option<Environment>,
    /// Timeout of one attempt, in milliseconds (default 60 000).
    #[uniffi(default = None)]
    pub timeout_ms: Option<i64>,
    /// Longest wait for the connection to open, in milliseconds (default: within `timeoutMs`).
    /// A call that never connected provably never left, so it is `notSent` and retried.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<i64>,
    /// Retries after the first attempt (default 2, at most 10).
    #[uniffi(default = None)]
    pub max_retries: Option<i32>,
    /// Delay before the first retry, in milliseconds (default 500; doubles each time, with
    /// jitter).
    #[uniffi(default = None)]
    pub retry_initial_delay_ms: Option<i64>,
    /// Longest delay between two retries, in milliseconds (default 8 000).
    #[uniffi(default = None)]
    pub retry_max_delay_ms: Option<i64>,
    /// Extra text for the `User-Agent` header (your app's name and version).
    #[uniffi(default = None)]
    pub user_agent: Option<String>,
}

/// The P100 client: one connection pool, safe to share between threads, coroutines and tasks.
///
/// The resource groups (`partner()`, `users()`, …) are cheap views of the same client.
#[derive(uniffi::Object)]
pub struct Client {
    inner: p100::Client,
}

#[uniffi::export(async_runtime = "tokio")]
impl Client {
    /// A client for `api_key` at `base_url` (`https://…`, or `http://` on loopback only).
    #[uniffi::constructor]
    pub fn new(api_key: String, base_url: String) -> Result<Arc<Self>> {
        let inner = ok(p100::Client::builder()
            .api_key(api_key)
            .base_url(base_url)
            .user_agent(user_agent())
            .build())?;
        Ok(Arc::new(Client { inner }))
    }

    /// A client with every setting ([`ClientOptions`]).
    #[uniffi::constructor]
    pub fn with_options(options: ClientOptions) -> Result<Arc<Self>> {
        let mut b = p100::Client::builder().api_key(options.api_key);
        if let Some(url) = options.base_url {
            b = b.base_url(url);
        }
        if let Some(env) = options.environment {
            b = b.environment(env);
        }
        if let Some(t) = setting(millis("timeoutMs", options.timeout_ms))? {
            b = b.timeout(t);
        }
        if let Some(t) = setting(millis("connectTimeoutMs", options.connect_timeout_ms))? {
            b = b.connect_timeout(t);
        }
        let mut retry = p100::RetryPolicy::default();
        if let Some(n) = setting(count("maxRetries", options.max_retries))? {
            retry.max_retries = n;
        }
        if let Some(d) = setting(millis(
            "retryInitialDelayMs",
            options.retry_initial_delay_ms,
        ))? {
            retry.initial_delay = d;
        }
        if let Some(d) = setting(millis("retryMaxDelayMs", options.retry_max_delay_ms))? {
            retry.max_delay = d;
        }
        b = b.retry_policy(retry);
        let ua = match options.user_agent {
            Some(extra) => format!("{extra} {}", user_agent()),
            None => user_agent(),
        };
        let inner = ok(b.user_agent(ua).build())?;
        Ok(Arc::new(Client { inner }))
    }

    /// A client from the environment: `P100_API_KEY` (required), then `P100_BASE_URL`, or
    /// `P100_ENVIRONMENT` = `staging` (default) | `production`.
    #[uniffi::constructor]
    pub fn from_env() -> Result<Arc<Self>> {
        let inner = ok(p100::Client::from_env())?;
        Ok(Arc::new(Client { inner }))
    }

    /// A client sharing this one's connection pool, with another timeout per attempt and/or
    /// number of retries (`null`/`nil` keeps the current value).
    #[uniffi::method(default(timeout_ms = None, max_retries = None))]
    pub fn with_request_options(
        &self,
        timeout_ms: Option<i64>,
        max_retries: Option<i32>,
    ) -> Result<Arc<Client>> {
        let options = p100::RequestOptions {
            timeout: millis("timeoutMs", timeout_ms)?,
            max_retries: count("maxRetries", max_retries)?,
        };
        Ok(Arc::new(Client {
            inner: self.inner.with_options(options),
        }))
    }

    /// The base URL in use, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.inner.config().base_url().to_string()
    }

    /// The partner's own account: balances, history, wallet, SEPA deposit details.
    pub fn partner(&self) -> Arc<Partner> {
        Arc::new(Partner {
            client: self.inner.clone(),
        })
    }

    /// End users: create (with or without KYC), update, suspend, delete, balances, history.
    pub fn users(&self) -> Arc<Users> {
        Arc::new(Users {
            client: self.inner.clone(),
        })
    }

    /// KYC: document and POA uploads, verification, KYC by P100.
    pub fn kyc(&self) -> Arc<Kyc> {
        Arc::new(Kyc {
            client: self.inner.clone(),
        })
    }

    /// Currency exchange: rates, locks, execution, details.
    pub fn exchange(&self) -> Arc<Exchange> {
        Arc::new(Exchange {
            client: self.inner.clone(),
        })
    }

    /// SEPA transfers out of the partner's or a user's EUR balance.
    pub fn sepa(&self) -> Arc<Sepa> {
        Arc::new(Sepa {
            client: self.inner.clone(),
        })
    }

    /// Crypto withdrawals, network fees, travel rule data for deposits.
    pub fn crypto(&self) -> Arc<Crypto> {
        Arc::new(Crypto {
            client: self.inner.clone(),
        })
    }

    /// Internal transfers between the partner and its users.
    pub fn transfers(&self) -> Arc<Transfers> {
        Arc::new(Transfers {
            client: self.inner.clone(),
        })
    }

    /// Virtual cards.
    pub fn cards(&self) -> Arc<Cards> {
        Arc::new(Cards {
            client: self.inner.clone(),
        })
    }

    /// Orders: crypto payments converted to fiat.
    pub fn orders(&self) -> Arc<Orders> {
        Arc::new(Orders {
            client: self.inner.clone(),
        })
    }

    /// Payment links and hosted checkouts.
    pub fn payment_links(&self) -> Arc<PaymentLinks> {
        Arc::new(PaymentLinks {
            client: self.inner.clone(),
        })
    }

    /// The escape hatch: sends any call (`GET`, `POST`, `PATCH`, `DELETE` on a `/v1/…` path)
    /// with auth, retries and error mapping, for endpoints the SDK does not model yet. `body` and
    /// the result are JSON text.
    #[uniffi::method(default(body = None))]
    pub async fn request(
        &self,
        method: String,
        path: String,
        body: Option<String>,
    ) -> Result<String> {
        let body = match body {
            None => None,
            Some(text) => Some(
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|_| p100::Error::validation("body", "is not valid JSON"))?,
            ),
        };
        let value = ok(self.inner.request(&method, &path, body.as_ref()).await)?;
        Ok(value.to_string())
    }

    /// Did the operation of `error` happen? For an `unknown` (or `accepted`) outcome of a
    /// money-moving call, looks in the transaction history for the operation its `fingerprint`
    /// describes: `Found` (id and status), `NotFound` (not there yet: check again later before
    /// sending again) or `CannotTell` (several matches, or an operation the history does not
    /// list). `notSent` and `rejected` errors are `NotFound` at once. The core's rules
    /// (`p100::Client::reconcile_outcome`).
    pub async fn reconcile(&self, error: P100Error) -> Result<Reconciliation> {
        let d = error.details();
        ok(self
            .inner
            .reconcile_outcome(d.outcome, d.fingerprint.as_ref())
            .await)
    }
}

fn user_agent() -> String {
    format!("p100-mobile/{}", env!("CARGO_PKG_VERSION"))
}

/// The wait options of a `waitFor` call: overall timeout and first polling interval in
/// milliseconds; unset values keep the defaults (5 minutes, 1 s growing to 15 s).
fn wait_options(timeout_ms: Option<i64>, poll_interval_ms: Option<i64>) -> Result<WaitOptions> {
    let mut w = WaitOptions::default();
    if let Some(t) = millis("timeoutMs", timeout_ms)? {
        w.timeout = t;
    }
    if let Some(i) = millis("pollIntervalMs", poll_interval_ms)? {
        w.interval = i;
        w.max_interval = w.max_interval.max(i);
    }
    Ok(w)
}

macro_rules! group {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(uniffi::Object)]
        pub struct $name {
            client: p100::Client,
        }
    };
}

group!(
    /// The partner's own account: balances, history, wallet, SEPA deposit details.
    Partner
);
group!(
    /// End users: create (with or without KYC), update, suspend, delete, balances, history.
    Users
);
group!(
    /// KYC: document and POA uploads, verification, KYC by P100.
    Kyc
);
group!(
    /// Currency exchange: rates, locks, execution, details.
    Exchange
);
group!(
    /// SEPA transfers out of the partner's or a user's EUR balance.
    Sepa
);
group!(
    /// Crypto withdrawals, network fees, travel rule data for deposits.
    Crypto
);
group!(
    /// Internal transfers between the partner and its users.
    Transfers
);
group!(
    /// Virtual cards.
    Cards
);
group!(
    /// Orders: crypto payments converted to fiat.
    Orders
);
group!(
    /// Payment links and hosted checkouts.
    PaymentLinks
);

#[uniffi::export(async_runtime = "tokio")]
impl Partner {
    /// Every fiat and crypto balance of the partner.
    pub async fn balances(&self) -> Result<Balances> {
        ok(self.client.partner().balances().await)
    }

    /// The partner's transactions of one month.
    pub async fn transactions(&self, query: TransactionHistoryQuery) -> Result<TransactionHistory> {
        ok(self.client.partner().transactions(&query).await)
    }

    /// Creates a deposit wallet.
    pub async fn create_wallet(&self, req: CreateWalletRequest) -> Result<Wallet> {
        ok(self.client.partner().create_wallet(&req).await)
    }

    /// Bank details for topping up the partner's EUR balance (put `title` verbatim in the
    /// transfer's reference).
    pub async fn sepa_deposit_info(&self) -> Result<SepaDepositInfo> {
        ok(self.client.partner().sepa_deposit_info().await)
    }

    /// Whitelisted SEPA contacts of the partner.
    pub async fn sepa_contacts(&self) -> Result<SepaContacts> {
        ok(self.client.partner().sepa_contacts().await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Users {
    /// Creates a user of the KYC model.
    pub async fn create(&self, req: CreateUserRequest) -> Result<CreateUserResponse> {
        ok(self.client.users().create(&req).await)
    }

    /// Creates a user of the non-KYC model (such users can never become KYC users).
    pub async fn create_without_kyc(
        &self,
        req: CreateUserWithoutKycRequest,
    ) -> Result<CreateUserResponse> {
        ok(self.client.users().create_without_kyc(&req).await)
    }

    /// Updates contact and address data.
    pub async fn update(&self, external_user_id: String, req: UpdateUserRequest) -> Result<()> {
        ok(self.client.users().update(&external_user_id, &req).await)
    }

    /// Deletes a user for good.
    pub async fn delete(&self, external_user_id: String) -> Result<()> {
        ok(self.client.users().delete(&external_user_id).await)
    }

    /// Freezes a user: no deposits, withdrawals, exchanges or card payments.
    pub async fn suspend(&self, external_user_id: String) -> Result<()> {
        ok(self.client.users().suspend(&external_user_id).await)
    }

    /// Lifts a suspension.
    pub async fn unsuspend(&self, external_user_id: String) -> Result<()> {
        ok(self.client.users().unsuspend(&external_user_id).await)
    }

    /// The user's balances.
    pub async fn balances(&self, external_user_id: String) -> Result<Balances> {
        ok(self.client.users().balances(&external_user_id).await)
    }

    /// The user's transactions of one month.
    pub async fn transactions(
        &self,
        external_user_id: String,
        query: TransactionHistoryQuery,
    ) -> Result<TransactionHistory> {
        ok(self
            .client
            .users()
            .transactions(&external_user_id, &query)
            .await)
    }

    /// The user's own IBAN and reference for SEPA deposits.
    pub async fn sepa_deposit_info(&self, external_user_id: String) -> Result<SepaDepositInfo> {
        ok(self
            .client
            .users()
            .sepa_deposit_info(&external_user_id)
            .await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Kyc {
    /// Uploads identity document photos.
    pub async fn upload_files(&self, req: KycFilesRequest) -> Result<()> {
        ok(self.client.kyc().upload_files(&req).await)
    }

    /// Uploads 1–3 proof-of-address files (≤ 5 MB each; JPEG, PNG or PDF).
    pub async fn upload_poa(&self, req: PoaFilesRequest) -> Result<()> {
        ok(self.client.kyc().upload_poa(&req).await)
    }

    /// Submits the user's document data once KYC is accepted.
    pub async fn add_verification(&self, req: UserVerificationRequest) -> Result<()> {
        ok(self.client.kyc().add_verification(&req).await)
    }

    /// KYC by P100: starts a verification session.
    pub async fn create_verification(
        &self,
        req: CreateKycVerificationRequest,
    ) -> Result<KycVerification> {
        ok(self.client.kyc().create_verification(&req).await)
    }

    /// KYC by P100: the verification page (its URL and the HTML the API answers with).
    pub async fn verification_page(
        &self,
        external_user_id: String,
        verification_id: String,
    ) -> Result<VerificationPage> {
        ok(self
            .client
            .kyc()
            .verification_page(&external_user_id, &verification_id)
            .await)
    }

    /// KYC by P100: where the verification stands.
    pub async fn status(&self, verification_id: String) -> Result<KycStatus> {
        ok(self.client.kyc().status(&verification_id).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Exchange {
    /// Indicative rates (not executable).
    pub async fn rates(&self) -> Result<ExchangeRates> {
        ok(self.client.exchange().rates().await)
    }

    /// Locks a rate for the partner's own exchange; use it before it expires.
    pub async fn partner_lock(&self, query: ExchangeLockQuery) -> Result<ExchangeLock> {
        ok(self.client.exchange().partner_lock(&query).await)
    }

    /// Exchanges on the partner's account with a locked rate. Returns once accepted; follow
    /// it with `waitFor`.
    pub async fn partner_execute(&self, req: PartnerExchangeRequest) -> Result<ExchangeCreated> {
        ok(self.client.exchange().partner_execute(&req).await)
    }

    /// Locks a rate for a user's exchange.
    pub async fn user_lock(&self, external_user_id: String) -> Result<ExchangeLock> {
        ok(self.client.exchange().user_lock(&external_user_id).await)
    }

    /// Exchanges on a user's account with a locked rate (accepted, then processed).
    pub async fn user_execute(&self, req: UserExchangeRequest) -> Result<ExchangeCreated> {
        ok(self.client.exchange().user_execute(&req).await)
    }

    /// The state of an exchange.
    pub async fn details(&self, exchange_id: String) -> Result<ExchangeDetails> {
        ok(self.client.exchange().details(&exchange_id).await)
    }

    /// Polls `details` until the exchange is `COMPLETED` or `FAILED`.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for(
        &self,
        exchange_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<ExchangeDetails> {
        let w = wait_options(timeout_ms, poll_interval_ms)?;
        ok(self.client.exchange().wait_for(&exchange_id, w).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Sepa {
    /// Sends EUR from the partner's balance (accepted, then processed; follow it with
    /// `waitFor`). Never retried after an ambiguous failure.
    pub async fn partner_transfer(
        &self,
        req: PartnerSepaTransferRequest,
    ) -> Result<SepaTransferCreated> {
        ok(self.client.sepa().partner_transfer(&req).await)
    }

    /// Sends EUR from a user's balance (accepted, then processed).
    pub async fn user_transfer(&self, req: UserSepaTransferRequest) -> Result<SepaTransferCreated> {
        ok(self.client.sepa().user_transfer(&req).await)
    }

    /// The state of a SEPA transfer.
    pub async fn details(&self, transfer_id: String) -> Result<SepaTransferDetails> {
        ok(self.client.sepa().details(&transfer_id).await)
    }

    /// Polls `details` until `SUCCESSFUL` or `FAILED`.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for(
        &self,
        transfer_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<SepaTransferDetails> {
        let w = wait_options(timeout_ms, poll_interval_ms)?;
        ok(self.client.sepa().wait_for(&transfer_id, w).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Crypto {
    /// The current network fee of a currency (and network).
    pub async fn network_fee(&self, query: NetworkFeeQuery) -> Result<NetworkFee> {
        ok(self.client.crypto().network_fee(&query).await)
    }

    /// Sends crypto from the partner's balance (accepted, then processed).
    pub async fn partner_withdrawal(
        &self,
        req: PartnerCryptoWithdrawalRequest,
    ) -> Result<WithdrawalCreated> {
        ok(self.client.crypto().partner_withdrawal(&req).await)
    }

    /// Sends crypto from a user's balance (accepted, then processed).
    pub async fn user_withdrawal(
        &self,
        req: UserCryptoWithdrawalRequest,
    ) -> Result<WithdrawalCreated> {
        ok(self.client.crypto().user_withdrawal(&req).await)
    }

    /// The state of a crypto withdrawal.
    pub async fn details(&self, withdrawal_id: String) -> Result<CryptoWithdrawalDetails> {
        ok(self.client.crypto().details(&withdrawal_id).await)
    }

    /// Polls `details` until `SUCCESSFUL` or `FAILED`.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for(
        &self,
        withdrawal_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<CryptoWithdrawalDetails> {
        let w = wait_options(timeout_ms, poll_interval_ms)?;
        ok(self.client.crypto().wait_for(&withdrawal_id, w).await)
    }

    /// Sends the sender's travel-rule data for a deposit held in `WAITING_FOR_TR_DATA`.
    pub async fn update_travel_rule(&self, req: TravelRuleUpdateRequest) -> Result<()> {
        ok(self.client.crypto().update_travel_rule(&req).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Transfers {
    /// Moves money between the partner and a user (accepted, then processed).
    pub async fn create(&self, req: TransferRequest) -> Result<TransferCreated> {
        ok(self.client.transfers().create(&req).await)
    }

    /// The state of an internal transfer.
    pub async fn details(&self, transfer_id: String) -> Result<TransferDetails> {
        ok(self.client.transfers().details(&transfer_id).await)
    }

    /// Polls `details` until final.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for(
        &self,
        transfer_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<TransferDetails> {
        let w = wait_options(timeout_ms, poll_interval_ms)?;
        ok(self.client.transfers().wait_for(&transfer_id, w).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Cards {
    /// Issues a virtual card (label 3–30 characters, 4-digit PIN). The reply's PAN and CVV are
    /// `Secret`s.
    pub async fn create(&self, req: CreateCardRequest) -> Result<CardCreated> {
        ok(self.client.cards().create(&req).await)
    }

    /// The user's cards.
    pub async fn list(&self, external_user_id: String) -> Result<CardList> {
        ok(self.client.cards().list(&external_user_id).await)
    }

    /// Full card data (PAN, CVV, expiry) for a secure screen.
    pub async fn details(&self, external_user_id: String, card_id: String) -> Result<CardDetails> {
        ok(self
            .client
            .cards()
            .details(&external_user_id, &card_id)
            .await)
    }

    /// Changes the PIN (exactly 4 digits).
    pub async fn update_pin(&self, req: UpdatePinRequest) -> Result<()> {
        ok(self.client.cards().update_pin(&req).await)
    }

    /// Blocks a card (temporary).
    pub async fn block(&self, card: CardRef) -> Result<()> {
        ok(self.client.cards().block(&card).await)
    }

    /// Unblocks a card.
    pub async fn unblock(&self, card: CardRef) -> Result<()> {
        ok(self.client.cards().unblock(&card).await)
    }

    /// The card's spending limits.
    pub async fn limits(&self, external_user_id: String, card_id: String) -> Result<CardLimits> {
        ok(self
            .client
            .cards()
            .limits(&external_user_id, &card_id)
            .await)
    }

    /// Changes spending limits (each ≥ 0).
    pub async fn update_limits(&self, req: UpdateCardLimitsRequest) -> Result<()> {
        ok(self.client.cards().update_limits(&req).await)
    }

    /// Deletes a card for good.
    pub async fn delete(&self, card: CardRef) -> Result<()> {
        ok(self.client.cards().delete(&card).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Orders {
    /// Current order rates.
    pub async fn rates(&self) -> Result<OrderRates> {
        ok(self.client.orders().rates().await)
    }

    /// Locks an order rate; use the lock before `expiresAt`.
    pub async fn lock(&self, req: OrderLockRequest) -> Result<OrderLock> {
        ok(self.client.orders().lock(&req).await)
    }

    /// Turns a lock into an order (accepted, then processed).
    pub async fn create(&self, req: CreateOrderRequest) -> Result<OrderCreated> {
        ok(self.client.orders().create(&req).await)
    }

    /// The state of an order.
    pub async fn details(&self, order_id: String) -> Result<OrderDetails> {
        ok(self.client.orders().details(&order_id).await)
    }

    /// Polls `details` until the order is final.
    #[uniffi::method(default(timeout_ms = None, poll_interval_ms = None))]
    pub async fn wait_for(
        &self,
        order_id: String,
        timeout_ms: Option<i64>,
        poll_interval_ms: Option<i64>,
    ) -> Result<OrderDetails> {
        let w = wait_options(timeout_ms, poll_interval_ms)?;
        ok(self.client.orders().wait_for(&order_id, w).await)
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl PaymentLinks {
    /// Generates a standard payment link.
    pub async fn create(&self, req: CreatePaymentLinkRequest) -> Result<PaymentLink> {
        ok(self.client.payment_links().create(&req).await)
    }

    /// Generates a hosted checkout with the partner's branding.
    pub async fn create_checkout(&self, req: CreatePaymentLinkRequest) -> Result<PaymentLink> {
        ok(self.client.payment_links().create_checkout(&req).await)
    }

    /// The state of a payment link.
    pub async fn details(&self, payment_link_id: String) -> Result<PaymentLinkDetails> {
        ok(self.client.payment_links().details(&payment_link_id).await)
    }
}

// ---------------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------------

/// A parsed webhook delivery: one case per event, each carrying its typed payload (`event`).
///
/// A delivery the SDK does not recognise is `Unknown`: its raw body is a `Secret` (it may hold
/// anything, card data included), so printing the event never shows it.
#[derive(Clone, PartialEq, uniffi::Enum)]
pub enum WebhookEvent {
    /// User status / balance generation.
    UserStatus { event: UserStatusEvent },
    /// KYC file added.
    KycFile { event: KycFileEvent },
    /// POA verification status.
    PoaVerification { event: PoaVerificationEvent },
    /// KYC verification status.
    KycVerification { event: KycVerificationEvent },
    /// Internal (P2P) transfer.
    Transfer { event: TransferEvent },
    /// Outgoing SEPA transfer (partner or user).
    SepaTransfer { event: SepaTransferEvent },
    /// Crypto withdrawal.
    CryptoWithdrawal { event: CryptoWithdrawalEvent },
    /// Crypto deposit.
    CryptoDeposit { event: CryptoDepositEvent },
    /// Exchange.
    Exchange { event: ExchangeEvent },
    /// SEPA deposit.
    SepaDeposit { event: SepaDepositEvent },
    /// IBAN status (incoming SEPA first-party check).
    IbanStatus { event: IbanStatusEvent },
    /// Order status.
    OrderStatus { event: OrderStatusEvent },
    /// Payment link.
    PaymentLink { event: PaymentLinkEvent },
    /// Card transaction.
    CardTransaction { event: CardTransactionEvent },
    /// Card 3-D Secure code.
    Card3dsCode { event: Card3dsCodeEvent },
    /// Card activation code.
    CardActivationCode { event: CardActivationCodeEvent },
    /// Wallet created.
    WalletCreated { event: WalletCreatedEvent },
    /// A delivery the SDK does not recognise: the envelope's `event_type` when present, and the
    /// raw body (secret).
    Unknown {
        event_type: Option<String>,
        raw: SecretString,
    },
}

impl From<hooks::WebhookEvent> for WebhookEvent {
    fn from(e: hooks::WebhookEvent) -> Self {
        use hooks::WebhookEvent as W;
        match e {
            W::UserStatus(event) => WebhookEvent::UserStatus { event },
            W::KycFile(event) => WebhookEvent::KycFile { event },
            W::PoaVerification(event) => WebhookEvent::PoaVerification { event },
            W::KycVerification(event) => WebhookEvent::KycVerification { event },
            W::Transfer(event) => WebhookEvent::Transfer { event },
            W::SepaTransfer(event) => WebhookEvent::SepaTransfer { event },
            W::CryptoWithdrawal(event) => WebhookEvent::CryptoWithdrawal { event },
            W::CryptoDeposit(event) => WebhookEvent::CryptoDeposit { event },
            W::Exchange(event) => WebhookEvent::Exchange { event },
            W::SepaDeposit(event) => WebhookEvent::SepaDeposit { event },
            W::IbanStatus(event) => WebhookEvent::IbanStatus { event },
            W::OrderStatus(event) => WebhookEvent::OrderStatus { event },
            W::PaymentLink(event) => WebhookEvent::PaymentLink { event },
            W::CardTransaction(event) => WebhookEvent::CardTransaction { event },
            W::Card3dsCode(event) => WebhookEvent::Card3dsCode { event },
            W::CardActivationCode(event) => WebhookEvent::CardActivationCode { event },
            W::WalletCreated(event) => WebhookEvent::WalletCreated { event },
            W::Unknown { event_type, raw } => WebhookEvent::Unknown {
                event_type,
                raw: SecretString::new(raw),
            },
        }
    }
}

#[uniffi::export]
impl WebhookEvent {
    /// The stable snake_case name of the event (`"sepa_transfer"`, `"unknown"`…), the same in
    /// every language of the SDK.
    pub fn name(&self) -> String {
        let name = match self {
            WebhookEvent::UserStatus { .. } => "user_status",
            WebhookEvent::KycFile { .. } => "kyc_file",
            WebhookEvent::PoaVerification { .. } => "poa_verification",
            WebhookEvent::KycVerification { .. } => "kyc_verification",
            WebhookEvent::Transfer { .. } => "transfer",
            WebhookEvent::SepaTransfer { .. } => "sepa_transfer",
            WebhookEvent::CryptoWithdrawal { .. } => "crypto_withdrawal",
            WebhookEvent::CryptoDeposit { .. } => "crypto_deposit",
            WebhookEvent::Exchange { .. } => "exchange",
            WebhookEvent::SepaDeposit { .. } => "sepa_deposit",
            WebhookEvent::IbanStatus { .. } => "iban_status",
            WebhookEvent::OrderStatus { .. } => "order_status",
            WebhookEvent::PaymentLink { .. } => "payment_link",
            WebhookEvent::CardTransaction { .. } => "card_transaction",
            WebhookEvent::Card3dsCode { .. } => "card_3ds_code",
            WebhookEvent::CardActivationCode { .. } => "card_activation_code",
            WebhookEvent::WalletCreated { .. } => "wallet_created",
            WebhookEvent::Unknown { .. } => "unknown",
        };
        name.to_string()
    }

    /// The event as JSON, `{"event": "<name>", "data": {...}}` with the API's wire names (the
    /// same text in every language of the SDK). An `Unknown` event's raw body is in clear there.
    pub fn to_json(&self) -> Result<String> {
        p100::bindings::uniffi::to_json(&hooks::WebhookEvent::from(self.clone()))
    }
}

impl From<WebhookEvent> for hooks::WebhookEvent {
    fn from(e: WebhookEvent) -> Self {
        use hooks::WebhookEvent as W;
        match e {
            WebhookEvent::UserStatus { event } => W::UserStatus(event),
            WebhookEvent::KycFile { event } => W::KycFile(event),
            WebhookEvent::PoaVerification { event } => W::PoaVerification(event),
            WebhookEvent::KycVerification { event } => W::KycVerification(event),
            WebhookEvent::Transfer { event } => W::Transfer(event),
            WebhookEvent::SepaTransfer { event } => W::SepaTransfer(event),
            WebhookEvent::CryptoWithdrawal { event } => W::CryptoWithdrawal(event),
            WebhookEvent::CryptoDeposit { event } => W::CryptoDeposit(event),
            WebhookEvent::Exchange { event } => W::Exchange(event),
            WebhookEvent::SepaDeposit { event } => W::SepaDeposit(event),
            WebhookEvent::IbanStatus { event } => W::IbanStatus(event),
            WebhookEvent::OrderStatus { event } => W::OrderStatus(event),
            WebhookEvent::PaymentLink { event } => W::PaymentLink(event),
            WebhookEvent::CardTransaction { event } => W::CardTransaction(event),
            WebhookEvent::Card3dsCode { event } => W::Card3dsCode(event),
            WebhookEvent::CardActivationCode { event } => W::CardActivationCode(event),
            WebhookEvent::WalletCreated { event } => W::WalletCreated(event),
            WebhookEvent::Unknown { event_type, raw } => W::Unknown {
                event_type,
                raw: raw.expose().to_string(),
            },
        }
    }
}

/// Checks a webhook delivery's `Authorization` header value (raw token or `Bearer <token>`)
/// against the partner's webhook token, in constant time. A missing or wrong value fails with
/// `WebhookUnauthorized` (answer the delivery with 401).
#[uniffi::export]
pub fn verify_webhook(authorization: Option<String>, token: String) -> Result<()> {
    ok(hooks::verify_token(authorization.as_deref(), &token))
}

/// Parses a webhook body (flat payload or `{"event_type", "data"}` envelope) into a typed event.
/// Never fails on valid JSON (unrecognised deliveries are `Unknown`); a body that is not JSON is
/// a `Decode` error.
#[uniffi::export]
pub fn parse_webhook(body: String) -> Result<WebhookEvent> {
    ok(hooks::parse_event(&body)).map(WebhookEvent::from)
}

/// Checks deliveries against the partner's webhook token, then parses them.
#[derive(uniffi::Object)]
pub struct WebhookVerifier {
    inner: Verifier,
}

// No async method here: uniffi refuses `async_runtime` on such an impl.
#[uniffi::export]
impl WebhookVerifier {
    /// A verifier for `token` (the "Webhook Security Token" P100 issued); empty is refused.
    #[uniffi::constructor]
    pub fn new(token: String) -> Result<Arc<Self>> {
        Ok(Arc::new(WebhookVerifier {
            inner: ok(Verifier::new(token))?,
        }))
    }

    /// Checks the `Authorization` header value; see [`verify_webhook`].
    pub fn verify(&self, authorization: Option<String>) -> Result<()> {
        ok(self.inner.verify(authorization.as_deref()))
    }

    /// Verifies, then parses the body.
    pub fn verify_and_parse(
        &self,
        authorization: Option<String>,
        body: String,
    ) -> Result<WebhookEvent> {
        ok(self.inner.verify_and_parse(authorization.as_deref(), &body)).map(WebhookEvent::from)
    }
}

// ---------------------------------------------------------------------------------------------
// Small helpers that need the core (no logic of their own)
// ---------------------------------------------------------------------------------------------

/// Parses decimal text exactly (`"12.50"`); fails with a validation error when the text is not
/// an exact decimal. The result keeps its scale.
#[uniffi::export]
pub fn parse_amount(text: String) -> Result<Amount> {
    Amount::parse(&text)
        .map_err(|_| p100::Error::validation("amount", "is not an exact decimal amount").into())
}

/// The version of the SDK (the Rust crate), e.g. `"0.1.0"`.
#[uniffi::export]
pub fn sdk_version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_numbers_are_validation_errors() {
        let e = millis("timeoutMs", Some(-1)).unwrap_err();
        assert_eq!(e.kind(), p100::ErrorKind::Validation);
        assert_eq!(e.field(), Some("timeoutMs"));
        assert!(count("maxRetries", Some(-3)).is_err());
        assert_eq!(count("maxRetries", Some(3)).unwrap(), Some(3));
    }

    #[test]
    fn unknown_webhooks_keep_the_body_secret() {
        let e = parse_webhook(r#"{"foo":"4111111111111111"}"#.to_string()).unwrap();
        assert_eq!(e.name(), "unknown");
        assert!(e.to_json().unwrap().contains(r#""event":"unknown""#));
        match e {
            WebhookEvent::Unknown { raw, .. } => assert!(raw.expose().contains("4111")),
            _ => panic!("expected Unknown"),
        }
        assert!(parse_webhook("not json".into()).is_err());
    }

    #[test]
    fn webhook_tokens() {
        assert!(verify_webhook(Some("Bearer t0k".into()), "t0k".into()).is_ok());
        let e = verify_webhook(None, "t0k".into()).unwrap_err();
        assert_eq!(e.kind(), p100::ErrorKind::WebhookUnauthorized);
        assert!(WebhookVerifier::new(String::new()).is_err());
    }
}
