//! Resource groups: `client.partner()`, `client.users()`, … one method per operation.
//!
//! Every method validates its input first (nothing is sent when a check fails), then builds
//! the request from the route table and decodes the typed reply.

use super::wait::{poll, WaitOptions};
use super::{Client, Prepared};
use crate::error::Result;
use crate::models::*;
use crate::routes;
use crate::transport::MultipartPart;
use crate::validate;

macro_rules! group {
    ($(#[$m:meta])* $name:ident, $accessor:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            client: &'a Client,
        }

        impl Client {
            $(#[$m])*
            pub fn $accessor(&self) -> $name<'_> {
                $name { client: self }
            }
        }
    };
}

group!(
    /// The partner's own account: balances, history, wallet, SEPA deposit details.
    Partner, partner
);
group!(
    /// End users: create (with or without KYC), update, suspend, delete, balances, history.
    Users, users
);
group!(
    /// KYC: document and POA uploads, verification, KYC by P100.
    Kyc, kyc
);
group!(
    /// Currency exchange: rates, locks, execution, details.
    Exchange, exchange
);
group!(
    /// SEPA transfers out of the partner's or a user's EUR balance.
    Sepa, sepa
);
group!(
    /// Crypto withdrawals, network fees, travel rule data for deposits.
    Crypto, crypto
);
group!(
    /// Internal transfers between the partner and its users.
    Transfers, transfers
);
group!(
    /// Virtual cards.
    Cards, cards
);
group!(
    /// Orders: crypto payments converted to fiat.
    Orders, orders
);
group!(
    /// Payment links and hosted checkouts.
    PaymentLinks, payment_links
);

fn id(field: &str, value: &str) -> Result<()> {
    validate::external_user_id(field, value)
}

fn history_query(p: Prepared, q: &TransactionHistoryQuery) -> Result<Prepared> {
    validate::month_year(q.month, q.year)?;
    Ok(p.query(&[
        ("month", Some(q.month.to_string())),
        ("year", Some(q.year.to_string())),
    ]))
}

fn file_parts(field: &str, files: &[FileUpload]) -> Vec<MultipartPart> {
    files
        .iter()
        .map(|f| MultipartPart {
            name: field.to_string(),
            file_name: Some(f.file_name.clone()),
            content_type: validate::sniff(&f.data).map(|k| k.mime().to_string()),
            data: f.data.clone(),
        })
        .collect()
}

impl Partner<'_> {
    /// `GET /v1/partner/balances`: every fiat and crypto balance of the partner.
    pub async fn balances(&self) -> Result<Balances> {
        self.client
            .call(Prepared::new(&routes::PARTNER_BALANCES, &[])?)
            .await
    }

    /// The partner's transactions of one month (path inferred).
    pub async fn transactions(
        &self,
        query: &TransactionHistoryQuery,
    ) -> Result<TransactionHistory> {
        let p = history_query(Prepared::new(&routes::PARTNER_TRANSACTIONS, &[])?, query)?;
        self.client.call(p).await
    }

    /// Creates a deposit wallet (path inferred).
    pub async fn create_wallet(&self, req: &CreateWalletRequest) -> Result<Wallet> {
        req.validate()?;
        let p = Prepared::new(&routes::PARTNER_CREATE_WALLET, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// Bank details for topping up the partner's EUR balance. Put `title` verbatim in the
    /// transfer's reference, or the deposit is matched by hand (or returned).
    pub async fn sepa_deposit_info(&self) -> Result<SepaDepositInfo> {
        self.client
            .call(Prepared::new(&routes::PARTNER_SEPA_DEPOSIT_INFO, &[])?)
            .await
    }

    /// Whitelisted SEPA contacts of the partner (path inferred).
    pub async fn sepa_contacts(&self) -> Result<SepaContacts> {
        self.client
            .call(Prepared::new(&routes::PARTNER_SEPA_CONTACTS, &[])?)
            .await
    }
}

impl Users<'_> {
    /// Creates a user of the KYC model (`POST /v1/user/balances/crypto-and-fiat`).
    pub async fn create(&self, req: &CreateUserRequest) -> Result<CreateUserResponse> {
        req.validate()?;
        let p = Prepared::new(&routes::USER_CREATE, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// Creates a user of the non-KYC model (`POST /v1/user/balances/crypto`). Such users can
    /// never become KYC users.
    pub async fn create_without_kyc(
        &self,
        req: &CreateUserWithoutKycRequest,
    ) -> Result<CreateUserResponse> {
        req.validate()?;
        let p = Prepared::new(&routes::USER_CREATE_WITHOUT_KYC, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// Updates contact and address data (path inferred).
    pub async fn update(&self, external_user_id: &str, req: &UpdateUserRequest) -> Result<()> {
        id("externalUserId", external_user_id)?;
        req.validate()?;
        let p = Prepared::new(&routes::USER_UPDATE, &[external_user_id])?.json(req)?;
        self.client.call_unit(p).await
    }

    /// Deletes a user for good (path inferred).
    pub async fn delete(&self, external_user_id: &str) -> Result<()> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_DELETE, &[external_user_id])?;
        self.client.call_unit(p).await
    }

    /// Freezes a user: no deposits, withdrawals, exchanges or card payments (path inferred).
    pub async fn suspend(&self, external_user_id: &str) -> Result<()> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_SUSPEND, &[external_user_id])?;
        self.client.call_unit(p).await
    }

    /// Lifts a suspension (path inferred).
    pub async fn unsuspend(&self, external_user_id: &str) -> Result<()> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_UNSUSPEND, &[external_user_id])?;
        self.client.call_unit(p).await
    }

    /// The user's balances.
    pub async fn balances(&self, external_user_id: &str) -> Result<Balances> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_BALANCES, &[external_user_id])?;
        self.client.call(p).await
    }

    /// The user's transactions of one month (path inferred).
    pub async fn transactions(
        &self,
        external_user_id: &str,
        query: &TransactionHistoryQuery,
    ) -> Result<TransactionHistory> {
        id("externalUserId", external_user_id)?;
        let p = history_query(
            Prepared::new(&routes::USER_TRANSACTIONS, &[external_user_id])?,
            query,
        )?;
        self.client.call(p).await
    }

    /// The user's own IBAN and reference for SEPA deposits (path inferred).
    pub async fn sepa_deposit_info(&self, external_user_id: &str) -> Result<SepaDepositInfo> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_SEPA_DEPOSIT_INFO, &[external_user_id])?;
        self.client.call(p).await
    }
}

impl Kyc<'_> {
    /// Uploads identity document photos (multipart field `files`, plus `documentType`).
    pub async fn upload_files(&self, req: &KycFilesRequest) -> Result<()> {
        req.validate()?;
        let mut parts = vec![MultipartPart {
            name: "documentType".into(),
            file_name: None,
            content_type: None,
            data: req.document_type.as_str().as_bytes().to_vec(),
        }];
        parts.extend(file_parts("files", &req.files));
        let p = Prepared::new(&routes::KYC_FILES, &[&req.external_user_id])?.multipart(parts);
        self.client.call_unit(p).await
    }

    /// Uploads 1–3 proof-of-address files in one request (≤ 5 MB each; JPEG, PNG or PDF).
    pub async fn upload_poa(&self, req: &PoaFilesRequest) -> Result<()> {
        req.validate()?;
        let parts = file_parts("files", &req.files);
        let p = Prepared::new(&routes::POA_FILES, &[&req.external_user_id])?.multipart(parts);
        self.client.call_unit(p).await
    }

    /// Submits the user's document data once KYC is accepted; balances are generated then.
    pub async fn add_verification(&self, req: &UserVerificationRequest) -> Result<()> {
        req.validate()?;
        let p = Prepared::new(&routes::USER_VERIFICATION, &[])?.json(req)?;
        self.client.call_unit(p).await
    }

    /// KYC by P100: starts a verification session.
    pub async fn create_verification(
        &self,
        req: &CreateKycVerificationRequest,
    ) -> Result<KycVerification> {
        req.validate()?;
        let p = Prepared::new(&routes::KYC_CREATE, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// KYC by P100: the verification page. The API answers with an HTML page (no redirect);
    /// serve `html` to the user's browser, which then follows the provider's redirect chain.
    pub async fn verification_page(
        &self,
        external_user_id: &str,
        verification_id: &str,
    ) -> Result<VerificationPage> {
        id("externalUserId", external_user_id)?;
        id("verificationId", verification_id)?;
        let p = Prepared::new(&routes::KYC_REDIRECT, &[external_user_id, verification_id])?;
        let resp = self.client.send(&p).await?;
        Ok(VerificationPage {
            url: format!("{}{}", self.client.config().base_url(), p.path),
            html: resp.text(),
        })
    }

    /// KYC by P100: where the verification stands.
    pub async fn status(&self, verification_id: &str) -> Result<KycStatus> {
        id("verificationId", verification_id)?;
        let p = Prepared::new(&routes::KYC_STATUS, &[verification_id])?;
        self.client.call(p).await
    }
}

impl Exchange<'_> {
    /// Indicative rates (not executable).
    pub async fn rates(&self) -> Result<ExchangeRates> {
        self.client
            .call(Prepared::new(&routes::EXCHANGE_RATES, &[])?)
            .await
    }

    /// Locks a rate for the partner's own exchange (path inferred). Use the lock before it
    /// expires (read `valid_until`).
    pub async fn partner_lock(&self, query: &ExchangeLockQuery) -> Result<ExchangeLock> {
        query.validate()?;
        let p = Prepared::new(&routes::PARTNER_EXCHANGE_LOCK, &[])?.query(&[
            (
                "currencyFrom",
                query.currency_from.as_ref().map(|c| c.to_string()),
            ),
            (
                "currencyTo",
                query.currency_to.as_ref().map(|c| c.to_string()),
            ),
            ("amount", query.amount.map(|a| a.to_string())),
        ]);
        self.client.call(p).await
    }

    /// Exchanges on the partner's account with a locked rate. Returns once *accepted*; the
    /// outcome comes from [`Exchange::wait_for`] or the exchange webhook.
    pub async fn partner_execute(&self, req: &PartnerExchangeRequest) -> Result<ExchangeCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency_from);
        let p = Prepared::new(&routes::PARTNER_EXCHANGE, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// Locks a rate for a user's exchange.
    pub async fn user_lock(&self, external_user_id: &str) -> Result<ExchangeLock> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::USER_EXCHANGE_LOCK, &[external_user_id])?;
        self.client.call(p).await
    }

    /// Exchanges on a user's account with a locked rate (accepted, then processed).
    pub async fn user_execute(&self, req: &UserExchangeRequest) -> Result<ExchangeCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency_from);
        let p = Prepared::new(&routes::USER_EXCHANGE, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// The state of an exchange (path inferred).
    pub async fn details(&self, exchange_id: &str) -> Result<ExchangeDetails> {
        id("exchangeId", exchange_id)?;
        let p = Prepared::new(&routes::EXCHANGE_DETAILS, &[exchange_id])?;
        self.client.call(p).await
    }

    /// Polls [`Exchange::details`] until the exchange is `COMPLETED` or `FAILED`.
    pub async fn wait_for(
        &self,
        exchange_id: &str,
        options: WaitOptions,
    ) -> Result<ExchangeDetails> {
        poll(
            options,
            "exchange",
            exchange_id,
            || self.details(exchange_id),
            |d| d.status.is_final(),
            |d| d.status.to_string(),
        )
        .await
    }
}

impl Sepa<'_> {
    /// Sends EUR from the partner's balance by SEPA. Accepted, then processed: follow it with
    /// [`Sepa::wait_for`]. Never retried after an ambiguous failure.
    pub async fn partner_transfer(
        &self,
        req: &PartnerSepaTransferRequest,
    ) -> Result<SepaTransferCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency);
        let p = Prepared::new(&routes::PARTNER_SEPA_TRANSFER, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// Sends EUR from a user's balance by SEPA (accepted, then processed).
    pub async fn user_transfer(
        &self,
        req: &UserSepaTransferRequest,
    ) -> Result<SepaTransferCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency);
        let p = Prepared::new(&routes::USER_SEPA_TRANSFER, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// The state of a SEPA transfer.
    pub async fn details(&self, transfer_id: &str) -> Result<SepaTransferDetails> {
        id("transferId", transfer_id)?;
        let p = Prepared::new(&routes::SEPA_TRANSFER_DETAILS, &[transfer_id])?;
        self.client.call(p).await
    }

    /// Polls [`Sepa::details`] until `SUCCESSFUL` or `FAILED`.
    pub async fn wait_for(
        &self,
        transfer_id: &str,
        options: WaitOptions,
    ) -> Result<SepaTransferDetails> {
        poll(
            options,
            "SEPA transfer",
            transfer_id,
            || self.details(transfer_id),
            |d| d.status.is_final(),
            |d| d.status.to_string(),
        )
        .await
    }
}

impl Crypto<'_> {
    /// The current network fee of a currency (and network).
    pub async fn network_fee(&self, query: &NetworkFeeQuery) -> Result<NetworkFee> {
        query.validate()?;
        let p = Prepared::new(&routes::NETWORK_FEE, &[])?.query(&[
            ("currency", Some(query.currency.to_string())),
            ("network", query.network.as_ref().map(|n| n.to_string())),
        ]);
        self.client.call(p).await
    }

    /// Sends crypto from the partner's balance (path inferred). Accepted, then processed.
    pub async fn partner_withdrawal(
        &self,
        req: &PartnerCryptoWithdrawalRequest,
    ) -> Result<WithdrawalCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency);
        let p = Prepared::new(&routes::PARTNER_CRYPTO_WITHDRAWAL, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// Sends crypto from a user's balance. Accepted, then processed.
    pub async fn user_withdrawal(
        &self,
        req: &UserCryptoWithdrawalRequest,
    ) -> Result<WithdrawalCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency);
        let p = Prepared::new(&routes::USER_CRYPTO_WITHDRAWAL, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// The state of a crypto withdrawal.
    pub async fn details(&self, withdrawal_id: &str) -> Result<CryptoWithdrawalDetails> {
        id("withdrawalId", withdrawal_id)?;
        let p = Prepared::new(&routes::CRYPTO_WITHDRAWAL_DETAILS, &[withdrawal_id])?;
        self.client.call(p).await
    }

    /// Polls [`Crypto::details`] until `SUCCESSFUL` or `FAILED`.
    pub async fn wait_for(
        &self,
        withdrawal_id: &str,
        options: WaitOptions,
    ) -> Result<CryptoWithdrawalDetails> {
        poll(
            options,
            "crypto withdrawal",
            withdrawal_id,
            || self.details(withdrawal_id),
            |d| d.status.is_final(),
            |d| d.status.to_string(),
        )
        .await
    }

    /// Sends the sender's travel-rule data for a deposit held in `WAITING_FOR_TR_DATA`
    /// (path inferred).
    pub async fn update_travel_rule(&self, req: &TravelRuleUpdateRequest) -> Result<()> {
        req.validate()?;
        let p = Prepared::new(&routes::UPDATE_TRAVEL_RULE, &[&req.crypto_deposit_id])?.json(req)?;
        self.client.call_unit(p).await
    }
}

impl Transfers<'_> {
    /// Moves money between the partner and a user: [`TransferRequest::fund`] (partner → user)
    /// or [`TransferRequest::collect`] (user → partner). Accepted, then processed.
    pub async fn create(&self, req: &TransferRequest) -> Result<TransferCreated> {
        req.validate()?;
        let mut body = req.clone();
        body.amount = body.amount.for_currency(&body.currency);
        let p = Prepared::new(&routes::TRANSFER_CREATE, &[])?.json(&body)?;
        self.client.call(p).await
    }

    /// The state of an internal transfer.
    pub async fn details(&self, transfer_id: &str) -> Result<TransferDetails> {
        id("transferId", transfer_id)?;
        let p = Prepared::new(&routes::TRANSFER_DETAILS, &[transfer_id])?;
        self.client.call(p).await
    }

    /// Polls [`Transfers::details`] until final.
    pub async fn wait_for(
        &self,
        transfer_id: &str,
        options: WaitOptions,
    ) -> Result<TransferDetails> {
        poll(
            options,
            "transfer",
            transfer_id,
            || self.details(transfer_id),
            |d| d.status.is_final(),
            |d| d.status.to_string(),
        )
        .await
    }
}

impl Cards<'_> {
    /// Issues a virtual card (label 3–30 characters, 4-digit PIN). The reply holds the PAN
    /// and CVV: they never show in `Debug`.
    pub async fn create(&self, req: &CreateCardRequest) -> Result<CardCreated> {
        req.validate()?;
        let p = Prepared::new(&routes::CARD_CREATE, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// The user's cards.
    pub async fn list(&self, external_user_id: &str) -> Result<CardList> {
        id("externalUserId", external_user_id)?;
        let p = Prepared::new(&routes::CARD_LIST, &[external_user_id])?;
        self.client.call(p).await
    }

    /// Full card data (PAN, CVV, expiry) for a secure screen.
    pub async fn details(&self, external_user_id: &str, card_id: &str) -> Result<CardDetails> {
        id("externalUserId", external_user_id)?;
        id("cardId", card_id)?;
        let p = Prepared::new(&routes::CARD_DETAILS, &[external_user_id, card_id])?;
        self.client.call(p).await
    }

    /// Changes the PIN (exactly 4 digits).
    pub async fn update_pin(&self, req: &UpdatePinRequest) -> Result<()> {
        req.validate()?;
        let p = Prepared::new(&routes::CARD_PIN, &[])?.json(req)?;
        self.client.call_unit(p).await
    }

    /// Blocks a card (temporary).
    pub async fn block(&self, card: &CardRef) -> Result<()> {
        card.validate()?;
        let p = Prepared::new(&routes::CARD_BLOCK, &[])?.json(card)?;
        self.client.call_unit(p).await
    }

    /// Unblocks a card.
    pub async fn unblock(&self, card: &CardRef) -> Result<()> {
        card.validate()?;
        let p = Prepared::new(&routes::CARD_UNBLOCK, &[])?.json(card)?;
        self.client.call_unit(p).await
    }

    /// The card's spending limits.
    pub async fn limits(&self, external_user_id: &str, card_id: &str) -> Result<CardLimits> {
        id("externalUserId", external_user_id)?;
        id("cardId", card_id)?;
        let p = Prepared::new(&routes::CARD_LIMITS, &[external_user_id, card_id])?;
        self.client.call(p).await
    }

    /// Changes spending limits (each ≥ 0).
    pub async fn update_limits(&self, req: &UpdateCardLimitsRequest) -> Result<()> {
        req.validate()?;
        let p = Prepared::new(&routes::CARD_UPDATE_LIMITS, &[])?.json(req)?;
        self.client.call_unit(p).await
    }

    /// Deletes a card for good.
    pub async fn delete(&self, card: &CardRef) -> Result<()> {
        card.validate()?;
        let p = Prepared::new(&routes::CARD_DELETE, &[])?.json(card)?;
        self.client.call_unit(p).await
    }
}

impl Orders<'_> {
    /// Current order rates (path inferred).
    pub async fn rates(&self) -> Result<OrderRates> {
        self.client
            .call(Prepared::new(&routes::ORDER_RATES, &[])?)
            .await
    }

    /// Locks an order rate; use the lock before `expires_at`.
    pub async fn lock(&self, req: &OrderLockRequest) -> Result<OrderLock> {
        req.validate()?;
        let p = Prepared::new(&routes::ORDER_LOCK, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// Turns a lock into an order (accepted, then processed).
    pub async fn create(&self, req: &CreateOrderRequest) -> Result<OrderCreated> {
        req.validate()?;
        let p = Prepared::new(&routes::ORDER_CREATE, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// The state of an order.
    pub async fn details(&self, order_id: &str) -> Result<OrderDetails> {
        id("orderId", order_id)?;
        let p = Prepared::new(&routes::ORDER_DETAILS, &[order_id])?;
        self.client.call(p).await
    }

    /// Polls [`Orders::details`] until the order is final.
    pub async fn wait_for(&self, order_id: &str, options: WaitOptions) -> Result<OrderDetails> {
        poll(
            options,
            "order",
            order_id,
            || self.details(order_id),
            |d| d.status.is_final(),
            |d| d.status.to_string(),
        )
        .await
    }
}

impl PaymentLinks<'_> {
    /// Generates a standard payment link (path and shape inferred).
    pub async fn create(&self, req: &CreatePaymentLinkRequest) -> Result<PaymentLink> {
        req.validate()?;
        let p = Prepared::new(&routes::PAYMENT_LINK_CREATE, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// Generates a hosted checkout with the partner's branding (path and shape inferred).
    pub async fn create_checkout(&self, req: &CreatePaymentLinkRequest) -> Result<PaymentLink> {
        req.validate()?;
        let p = Prepared::new(&routes::PAYMENT_LINK_CHECKOUT, &[])?.json(req)?;
        self.client.call(p).await
    }

    /// The state of a payment link (path inferred).
    pub async fn details(&self, payment_link_id: &str) -> Result<PaymentLinkDetails> {
        id("paymentLinkId", payment_link_id)?;
        let p = Prepared::new(&routes::PAYMENT_LINK_DETAILS, &[payment_link_id])?;
        self.client.call(p).await
    }
}
