//! The in-memory world: the partner, its users, and every operation, lock and deposit.

use std::collections::HashMap;
use std::time::Instant;

use chrono::{DateTime, Utc};
use p100::{Currency, Network};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::catalog;
use crate::util::{amount_str, dec, num, uuid};

/// Whose money: the partner's own account or one user's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holder {
    /// The partner.
    Partner,
    /// A user, by `externalUserId`.
    User(String),
}

impl Holder {
    /// The user id, or `None` for the partner.
    pub fn user(&self) -> Option<&str> {
        match self {
            Holder::Partner => None,
            Holder::User(u) => Some(u),
        }
    }
}

/// Fiat balance statuses.
pub const ACTIVE: &str = "ACTIVE";
/// A KYC user's fiat balance before verification.
pub const WAITING: &str = "WAITING_TO_BE_ACTIVATED";

/// One balance.
#[derive(Debug, Clone)]
pub struct Balance {
    /// P100 balance id.
    pub id: String,
    /// Currency.
    pub currency: Currency,
    /// Available amount (reserved funds already taken off).
    pub amount: Decimal,
    /// Deposit wallet (crypto).
    pub wallet: Option<String>,
    /// IBAN (fiat).
    pub iban: Option<String>,
    /// Activation status (fiat of the KYC model and of the partner).
    pub status: Option<&'static str>,
}

/// All balances of one holder.
#[derive(Debug, Clone, Default)]
pub struct Account {
    /// Balances in catalog order (eur first).
    pub balances: Vec<Balance>,
}

impl Account {
    /// A fresh account with every supported currency at zero.
    pub fn new(fiat_status: Option<&'static str>) -> Account {
        let balances = catalog::CURRENCIES
            .iter()
            .map(|c| {
                let currency = Currency::parse(c.code);
                Balance {
                    id: uuid(),
                    status: if currency.is_fiat() {
                        fiat_status
                    } else {
                        None
                    },
                    currency,
                    amount: Decimal::ZERO,
                    wallet: None,
                    iban: None,
                }
            })
            .collect();
        Account { balances }
    }

    /// The balance in `currency`.
    pub fn get(&self, currency: &Currency) -> Option<&Balance> {
        self.balances.iter().find(|b| &b.currency == currency)
    }

    /// The balance in `currency`, mutable.
    pub fn get_mut(&mut self, currency: &Currency) -> Option<&mut Balance> {
        self.balances.iter_mut().find(|b| &b.currency == currency)
    }

    /// Available amount in `currency` (zero when the currency is not held).
    pub fn available(&self, currency: &Currency) -> Decimal {
        self.get(currency).map_or(Decimal::ZERO, |b| b.amount)
    }

    /// Takes `amount` off when enough is available; returns whether it did.
    pub fn try_debit(&mut self, currency: &Currency, amount: Decimal) -> bool {
        match self.get_mut(currency) {
            Some(b) if b.amount >= amount => {
                b.amount -= amount;
                true
            }
            _ => false,
        }
    }

    /// Adds `amount`.
    pub fn credit(&mut self, currency: &Currency, amount: Decimal) {
        if let Some(b) = self.get_mut(currency) {
            b.amount += amount;
        }
    }

    /// `{"fiatBalances": [...], "cryptoBalances": [...]}`.
    pub fn to_json(&self) -> Value {
        let mut fiat = Vec::new();
        let mut crypto = Vec::new();
        for b in &self.balances {
            if b.currency.is_fiat() {
                fiat.push(fiat_json(b, true));
            } else {
                crypto.push(crypto_json(b));
            }
        }
        json!({ "fiatBalances": fiat, "cryptoBalances": crypto })
    }

    /// The flat `balances` array of the non-KYC create-user reply (`eur` without iban/status).
    pub fn to_flat_json(&self) -> Value {
        Value::Array(
            self.balances
                .iter()
                .map(|b| {
                    if b.currency.is_fiat() {
                        fiat_json(b, false)
                    } else {
                        crypto_json(b)
                    }
                })
                .collect(),
        )
    }
}

fn rate_json(c: &Currency) -> Value {
    num(catalog::rate(c).unwrap_or(Decimal::ONE))
}

fn fiat_json(b: &Balance, with_iban: bool) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(b.id));
    m.insert("amount".into(), amount_str(b.amount, &b.currency));
    m.insert("name".into(), json!(b.currency.as_str()));
    m.insert("rate".into(), rate_json(&b.currency));
    if with_iban {
        m.insert("iban".into(), json!(b.iban));
        m.insert("status".into(), json!(b.status));
    } else {
        m.insert("wallet".into(), Value::Null);
    }
    Value::Object(m)
}

fn crypto_json(b: &Balance) -> Value {
    json!({
        "id": b.id,
        "amount": amount_str(b.amount, &b.currency),
        "name": b.currency.as_str(),
        "wallet": b.wallet,
        "rate": rate_json(&b.currency),
        "networkConfig": network_config(&b.currency),
    })
}

/// The `networkConfig` object of a crypto currency.
pub fn network_config(c: &Currency) -> Value {
    let mut m = Map::new();
    if let Some(i) = catalog::info(c) {
        for n in i.networks {
            m.insert(
                n.key.to_string(),
                json!({
                    "mainnet": false,
                    "name": n.name,
                    "withdrawal": {
                        "feeWithdrawal": num(dec(n.fee_withdrawal)),
                        "minWithdrawal": num(dec(n.min_withdrawal)),
                    },
                    "deposit": { "minDeposit": num(dec(n.min_deposit)) },
                }),
            );
        }
    }
    Value::Object(m)
}

/// Which create call made the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserModel {
    /// `POST /v1/user/balances/crypto-and-fiat`.
    Kyc,
    /// `POST /v1/user/balances/crypto`.
    NoKyc,
}

/// A card.
#[derive(Debug, Clone)]
pub struct Card {
    /// Card id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Full PAN (never logged).
    pub pan: String,
    /// CVV (never logged).
    pub cvv: String,
    /// `MM/YY`.
    pub exp: String,
    /// PIN (never logged).
    pub pin: String,
    /// `ACTIVE`, `LOCKED_BY_USER`, `DELETED`.
    pub status: &'static str,
    /// Spending limits in EUR.
    pub limits: [(&'static str, Decimal); 6],
    /// When created, on the sandbox's clock (the creation limits count deleted cards too).
    pub created_at: DateTime<Utc>,
}

/// Default card limits (EUR).
pub fn default_limits() -> [(&'static str, Decimal); 6] {
    [
        ("monthlyTrxAll", dec("10000")),
        ("dailyTrxAll", dec("2000")),
        ("monthlyTrxAtm", dec("2000")),
        ("dailyTrxAtm", dec("500")),
        ("monthlyTrxEcom", dec("5000")),
        ("dailyTrxEcom", dec("1000")),
    ]
}

/// A whitelisted SEPA sender.
#[derive(Debug, Clone)]
pub struct Contact {
    /// IBAN.
    pub iban: String,
    /// Name.
    pub name: Option<String>,
    /// When whitelisted.
    pub created_at: DateTime<Utc>,
}

/// One end user.
#[derive(Debug, Clone)]
pub struct User {
    /// The partner's id for the user.
    pub external_user_id: String,
    /// P100's id.
    pub user_id: String,
    /// Model.
    pub model: UserModel,
    /// E-mail.
    pub email: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Country of residence.
    pub country: String,
    /// Frozen.
    pub suspended: bool,
    /// Document types uploaded through Add KYC File.
    pub kyc_files: Vec<String>,
    /// POA status (`WAITING`, `APPROVED`).
    pub poa: Option<&'static str>,
    /// A KYC-by-P100 verification passed.
    pub kyc_by_p100: bool,
    /// Add User Verification done: fiat balance ACTIVE with an IBAN.
    pub verified: bool,
    /// Balances.
    pub account: Account,
    /// Cards, including deleted ones.
    pub cards: Vec<Card>,
    /// Whitelisted SEPA senders.
    pub contacts: Vec<Contact>,
    /// Reference to put in SEPA deposits to this user.
    pub deposit_reference: String,
}

impl User {
    /// The fiat IBAN, once verified.
    pub fn iban(&self) -> Option<&str> {
        self.account.get(&Currency::Eur)?.iban.as_deref()
    }
}

/// An exchange or order rate lock.
#[derive(Debug, Clone)]
pub struct Lock {
    /// Lock id.
    pub id: String,
    /// Whose lock (exchange locks).
    pub holder: Holder,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When it stops being usable (shown).
    pub valid_until: DateTime<Utc>,
    /// When it stops being usable (checked).
    pub expires: Instant,
    /// Already turned into an exchange/order.
    pub used: bool,
    /// Order locks: what was locked.
    pub order: Option<OrderLockData>,
}

/// What an order lock fixed.
#[derive(Debug, Clone)]
pub struct OrderLockData {
    /// Crypto the payer sends.
    pub currency: Currency,
    /// Network.
    pub network: Network,
    /// EUR to settle.
    pub fiat_amount: Decimal,
    /// Crypto to receive.
    pub crypto_amount: Decimal,
}

/// Kind-specific data of a money-moving operation.
#[derive(Debug, Clone)]
pub enum OpData {
    /// An exchange.
    Exchange {
        /// Amount sold.
        amount: Decimal,
        /// Currency sold.
        from: Currency,
        /// Currency bought.
        to: Currency,
        /// Units of `to` per unit of `from`.
        rate: Decimal,
        /// Fee, in `from`.
        fee: Decimal,
        /// Amount bought.
        received: Decimal,
    },
    /// An outgoing SEPA transfer.
    Sepa {
        /// Amount sent.
        amount: Decimal,
        /// Fee.
        fee: Decimal,
        /// Title.
        title: String,
        /// Destination.
        iban: String,
        /// Receiver first name.
        first_name: Option<String>,
        /// Receiver last name.
        last_name: Option<String>,
        /// Receiver company.
        company: Option<String>,
    },
    /// A crypto withdrawal.
    Withdrawal {
        /// Amount sent.
        amount: Decimal,
        /// Service + network fee.
        fee: Decimal,
        /// Currency.
        currency: Currency,
        /// Network.
        network: Network,
        /// Destination address.
        address: String,
        /// Memo.
        memo: Option<String>,
        /// Chain hash once sent.
        tx_hash: Option<String>,
    },
    /// An internal transfer.
    Transfer {
        /// Amount.
        amount: Decimal,
        /// Currency.
        currency: Currency,
        /// User paying (collection).
        source: Option<String>,
        /// User paid (funding).
        destination: Option<String>,
    },
}

/// A money-moving operation: accepted at once, final after the settle delay.
#[derive(Debug, Clone)]
pub struct Op {
    /// Id returned at acceptance.
    pub id: String,
    /// Whose account it belongs to.
    pub holder: Holder,
    /// `PENDING` → `SUCCESSFUL`/`COMPLETED` or `FAILED`.
    pub status: &'static str,
    /// When accepted.
    pub created_at: DateTime<Utc>,
    /// Error object once failed.
    pub error: Option<Value>,
    /// Funds the operation needs (amount plus fees), from whom.
    pub debit: (Holder, Currency, Decimal),
    /// True when `debit` was taken at acceptance; false when funds were short (the operation
    /// then fails with P433 at settlement).
    pub reserved: bool,
    /// Funds to credit on success.
    pub credit: Option<(Holder, Currency, Decimal)>,
    /// Details.
    pub data: OpData,
}

/// An order (crypto payment converted to EUR for the partner).
#[derive(Debug, Clone)]
pub struct Order {
    /// Order id.
    pub id: String,
    /// Lock used.
    pub lock_id: String,
    /// Status.
    pub status: &'static str,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// What was locked.
    pub data: OrderLockData,
    /// Address the payer sends to.
    pub wallet: Option<String>,
    /// When the address stops accepting the payment.
    pub expires_at: Option<DateTime<Utc>>,
    /// Payment hash.
    pub tx_hash: Option<String>,
    /// Confirmations so far.
    pub confirmations: u32,
    /// Crypto received.
    pub received: Decimal,
}

/// A crypto deposit (simulated with `/_sandbox/crypto-deposit`).
#[derive(Debug, Clone)]
pub struct CryptoDeposit {
    /// Deposit id.
    pub id: String,
    /// Credited account.
    pub holder: Holder,
    /// Currency.
    pub currency: Currency,
    /// Amount.
    pub amount: Decimal,
    /// Status.
    pub status: &'static str,
    /// Chain hash.
    pub tx_hash: String,
    /// When seen.
    pub created_at: DateTime<Utc>,
}

/// An incoming SEPA deposit (simulated with `/_sandbox/sepa-deposit`).
#[derive(Debug, Clone)]
pub struct SepaDeposit {
    /// Deposit id.
    pub id: String,
    /// Credited account.
    pub holder: Holder,
    /// Amount (EUR).
    pub amount: Decimal,
    /// Sender IBAN.
    pub sender_iban: String,
    /// Sender name.
    pub sender_name: Option<String>,
    /// Reference.
    pub reference: Option<String>,
    /// `PENDING`, `APPROVED`, `REJECTED`.
    pub status: &'static str,
    /// When received.
    pub created_at: DateTime<Utc>,
}

/// A payment link or hosted checkout.
#[derive(Debug, Clone)]
pub struct PaymentLink {
    /// Id.
    pub id: String,
    /// Amount.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Description.
    pub description: Option<String>,
    /// Partner reference.
    pub external_id: Option<String>,
    /// Link.
    pub url: String,
    /// Status.
    pub status: &'static str,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// A KYC-by-P100 verification.
#[derive(Debug, Clone)]
pub struct KycCheck {
    /// Verification id.
    pub id: String,
    /// User.
    pub external_user_id: String,
    /// `NOT_VERIFIED` / `VERIFIED`.
    pub verification_status: &'static str,
    /// `PENDING` / `VERIFICATION` / `SUCCESSFUL`.
    pub attempt_status: &'static str,
}

/// Everything the sandbox knows.
#[derive(Debug, Clone)]
pub struct State {
    /// The partner's balances.
    pub partner: Account,
    /// Reference (`title`) for SEPA deposits to the partner.
    pub partner_title: String,
    /// Partner's whitelisted SEPA senders.
    pub partner_contacts: Vec<Contact>,
    /// Users by `externalUserId`.
    pub users: HashMap<String, User>,
    /// Exchange and order locks.
    pub locks: HashMap<String, Lock>,
    /// Exchanges, SEPA transfers, withdrawals, transfers.
    pub ops: HashMap<String, Op>,
    /// Orders.
    pub orders: HashMap<String, Order>,
    /// Crypto deposits.
    pub deposits: HashMap<String, CryptoDeposit>,
    /// SEPA deposits.
    pub sepa_deposits: HashMap<String, SepaDeposit>,
    /// Payment links.
    pub links: HashMap<String, PaymentLink>,
    /// KYC-by-P100 verifications.
    pub kyc: HashMap<String, KycCheck>,
    /// Card number and CVV the cards created next get (`POST /_sandbox/card-secrets`), so a
    /// test knows which secrets must never show; random when unset.
    pub next_card: Option<(String, String)>,
}

impl State {
    /// The starting world: a partner with funded EUR and crypto balances.
    pub fn new() -> State {
        let mut partner = Account::new(Some(ACTIVE));
        for b in &mut partner.balances {
            if b.currency.is_fiat() {
                b.iban = Some(crate::util::iban_lt());
            } else {
                b.wallet = Some(crate::util::wallet(&b.currency));
            }
            if let Some((_, a)) = catalog::PARTNER_START
                .iter()
                .find(|(c, _)| *c == b.currency.as_str())
            {
                b.amount = dec(a);
            }
        }
        State {
            partner,
            partner_title: uuid(),
            partner_contacts: Vec::new(),
            users: HashMap::new(),
            locks: HashMap::new(),
            ops: HashMap::new(),
            orders: HashMap::new(),
            deposits: HashMap::new(),
            sepa_deposits: HashMap::new(),
            links: HashMap::new(),
            kyc: HashMap::new(),
            next_card: None,
        }
    }

    /// The account of `holder`.
    pub fn account(&self, holder: &Holder) -> Option<&Account> {
        match holder {
            Holder::Partner => Some(&self.partner),
            Holder::User(u) => self.users.get(u).map(|u| &u.account),
        }
    }

    /// True when `holder` is a suspended ("frozen") user, who cannot receive deposits
    /// (20-users-and-kyc.md §2.4).
    pub fn is_frozen(&self, holder: &Holder) -> bool {
        match holder {
            Holder::Partner => false,
            Holder::User(u) => self.users.get(u).is_some_and(|u| u.suspended),
        }
    }

    /// The account of `holder`, mutable.
    pub fn account_mut(&mut self, holder: &Holder) -> Option<&mut Account> {
        match holder {
            Holder::Partner => Some(&mut self.partner),
            Holder::User(u) => self.users.get_mut(u).map(|u| &mut u.account),
        }
    }
}

impl Default for State {
    fn default() -> Self {
        State::new()
    }
}
