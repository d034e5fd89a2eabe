//! The resource groups (`client.partner`, `client.users`, …): one method per core method,
//! camelCase, returning a Promise. Each method converts its arguments, calls the core, and
//! converts the reply; validation, retries and error mapping all happen in the core.

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use p100::models::*;
use p100::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{spawn, wait_options, Client};
use crate::convert::{input, output, text};

macro_rules! groups {
    ($($(#[$m:meta])* $name:ident;)+) => {$(
        $(#[$m])*
        #[wasm_bindgen]
        pub struct $name {
            c: p100::Client,
        }

        impl $name {
            pub(crate) fn new(client: &Client) -> Self {
                $name { c: client.inner().clone() }
            }
        }
    )+};
}

groups! {
    #[doc = "`client.partner`: the partner's own account."]
    PartnerApi;
    #[doc = "`client.users`: end users."]
    UsersApi;
    #[doc = "`client.kyc`: KYC documents, proof of address, verification."]
    KycApi;
    #[doc = "`client.exchange`: currency exchange."]
    ExchangeApi;
    #[doc = "`client.sepa`: SEPA transfers."]
    SepaApi;
    #[doc = "`client.crypto`: crypto withdrawals and deposits."]
    CryptoApi;
    #[doc = "`client.transfers`: internal transfers between the partner and its users."]
    TransfersApi;
    #[doc = "`client.cards`: virtual cards."]
    CardsApi;
    #[doc = "`client.orders`: crypto payments converted to fiat."]
    OrdersApi;
    #[doc = "`client.paymentLinks`: payment links and hosted checkouts."]
    PaymentLinksApi;
}

/// Resolves with `undefined`.
fn done(r: Result<(), Error>) -> Result<JsValue, Error> {
    r.map(|()| JsValue::UNDEFINED)
}

#[wasm_bindgen]
impl PartnerApi {
    /// Every fiat and crypto balance of the partner.
    #[wasm_bindgen(unchecked_return_type = "Promise<Balances>")]
    pub fn balances(&self) -> Promise {
        let c = self.c.clone();
        spawn(async move { output(&c.partner().balances().await?) })
    }

    /// The partner's transactions of one month (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<TransactionHistory>")]
    pub fn transactions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TransactionHistoryQuery")] query: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let q: TransactionHistoryQuery = input(query, "query")?;
            output(&c.partner().transactions(&q).await?)
        })
    }

    /// Creates a deposit wallet (path inferred).
    #[wasm_bindgen(js_name = createWallet, unchecked_return_type = "Promise<Wallet>")]
    pub fn create_wallet(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateWalletRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateWalletRequest = input(request, "request")?;
            output(&c.partner().create_wallet(&req).await?)
        })
    }

    /// Bank details for topping up the partner's EUR balance; put `title` verbatim in the
    /// transfer's reference.
    #[wasm_bindgen(js_name = sepaDepositInfo, unchecked_return_type = "Promise<SepaDepositInfo>")]
    pub fn sepa_deposit_info(&self) -> Promise {
        let c = self.c.clone();
        spawn(async move { output(&c.partner().sepa_deposit_info().await?) })
    }

    /// Whitelisted SEPA contacts of the partner (path inferred).
    #[wasm_bindgen(js_name = sepaContacts, unchecked_return_type = "Promise<SepaContacts>")]
    pub fn sepa_contacts(&self) -> Promise {
        let c = self.c.clone();
        spawn(async move { output(&c.partner().sepa_contacts().await?) })
    }
}

#[wasm_bindgen]
impl UsersApi {
    /// Creates a user of the KYC model (`POST /v1/user/balances/crypto-and-fiat`).
    #[wasm_bindgen(unchecked_return_type = "Promise<CreateUserResponse>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateUserRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateUserRequest = input(request, "request")?;
            output(&c.users().create(&req).await?)
        })
    }

    /// Creates a user of the non-KYC model (`POST /v1/user/balances/crypto`).
    #[wasm_bindgen(js_name = createWithoutKyc, unchecked_return_type = "Promise<CreateUserResponse>")]
    pub fn create_without_kyc(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateUserWithoutKycRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateUserWithoutKycRequest = input(request, "request")?;
            output(&c.users().create_without_kyc(&req).await?)
        })
    }

    /// Updates contact and address data (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn update(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UpdateUserRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            let req: UpdateUserRequest = input(request, "request")?;
            done(c.users().update(&id, &req).await)
        })
    }

    /// Deletes a user for good (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            done(c.users().delete(&id).await)
        })
    }

    /// Freezes a user: no deposits, withdrawals, exchanges or card payments (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn suspend(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            done(c.users().suspend(&id).await)
        })
    }

    /// Lifts a suspension (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn unsuspend(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            done(c.users().unsuspend(&id).await)
        })
    }

    /// The user's balances.
    #[wasm_bindgen(unchecked_return_type = "Promise<Balances>")]
    pub fn balances(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            output(&c.users().balances(&id).await?)
        })
    }

    /// The user's transactions of one month (path inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<TransactionHistory>")]
    pub fn transactions(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "TransactionHistoryQuery")] query: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            let q: TransactionHistoryQuery = input(query, "query")?;
            output(&c.users().transactions(&id, &q).await?)
        })
    }

    /// The user's own IBAN and reference for SEPA deposits (path inferred).
    #[wasm_bindgen(js_name = sepaDepositInfo, unchecked_return_type = "Promise<SepaDepositInfo>")]
    pub fn sepa_deposit_info(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            output(&c.users().sepa_deposit_info(&id).await?)
        })
    }
}

/// Reads `files: FileUpload[]` of an upload request; the rest of the object is the JSON part.
fn split_files(req: JsValue) -> Result<(JsValue, Vec<FileUpload>), Error> {
    let obj = req
        .dyn_ref::<Object>()
        .ok_or_else(|| Error::validation("request", "must be an object"))?;
    let files = Reflect::get(obj, &JsValue::from_str("files")).unwrap_or(JsValue::UNDEFINED);
    let files = files
        .dyn_into::<Array>()
        .map_err(|_| Error::validation("files", "must be an array of { fileName, data }"))?;
    let mut out = Vec::with_capacity(files.length() as usize);
    for (i, f) in files.iter().enumerate() {
        let field = format!("files[{i}]");
        let name = Reflect::get(&f, &JsValue::from_str("fileName"))
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| Error::validation(format!("{field}.fileName"), "must be a string"))?;
        let data = Reflect::get(&f, &JsValue::from_str("data"))
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
            .ok_or_else(|| {
                Error::validation(
                    format!("{field}.data"),
                    "must be a Uint8Array (a Node Buffer is one)",
                )
            })?;
        out.push(FileUpload::new(name, data.to_vec()));
    }
    // The JSON part: a shallow copy without `files`.
    let rest = Object::assign(&Object::new(), obj);
    let _ = Reflect::delete_property(&rest, &JsValue::from_str("files"));
    Ok((rest.into(), out))
}

#[wasm_bindgen]
impl KycApi {
    /// Uploads identity document photos (multipart `files` + `documentType`). `ID_CARD` and
    /// `RESIDENCE_PERMIT` need front, back and a selfie; `PASSPORT` one photo and a selfie.
    #[wasm_bindgen(js_name = uploadFiles, unchecked_return_type = "Promise<void>")]
    pub fn upload_files(
        &self,
        #[wasm_bindgen(unchecked_param_type = "KycFilesRequest & { files: FileUpload[] }")]
        request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let (rest, files) = split_files(request)?;
            let mut req: KycFilesRequest = input(rest, "request")?;
            req.files = files;
            done(c.kyc().upload_files(&req).await)
        })
    }

    /// Uploads 1–3 proof-of-address files in one request (≤ 5 MB each; JPEG, PNG or PDF).
    #[wasm_bindgen(js_name = uploadPoa, unchecked_return_type = "Promise<void>")]
    pub fn upload_poa(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PoaFilesRequest & { files: FileUpload[] }")]
        request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let (rest, files) = split_files(request)?;
            let mut req: PoaFilesRequest = input(rest, "request")?;
            req.files = files;
            done(c.kyc().upload_poa(&req).await)
        })
    }

    /// Submits the user's document data once KYC is accepted; balances are generated then.
    #[wasm_bindgen(js_name = addVerification, unchecked_return_type = "Promise<void>")]
    pub fn add_verification(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserVerificationRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UserVerificationRequest = input(request, "request")?;
            done(c.kyc().add_verification(&req).await)
        })
    }

    /// KYC by P100: starts a verification session.
    #[wasm_bindgen(js_name = createVerification, unchecked_return_type = "Promise<KycVerification>")]
    pub fn create_verification(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateKycVerificationRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateKycVerificationRequest = input(request, "request")?;
            output(&c.kyc().create_verification(&req).await?)
        })
    }

    /// KYC by P100: the verification page (HTML to serve to the user's browser).
    #[wasm_bindgen(js_name = verificationPage, unchecked_return_type = "Promise<VerificationPage>")]
    pub fn verification_page(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
        #[wasm_bindgen(js_name = verificationId, unchecked_param_type = "string")]
        verification_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let user = text(&external_user_id, "externalUserId")?;
            let id = text(&verification_id, "verificationId")?;
            output(&c.kyc().verification_page(&user, &id).await?)
        })
    }

    /// KYC by P100: where the verification stands.
    #[wasm_bindgen(unchecked_return_type = "Promise<KycStatus>")]
    pub fn status(
        &self,
        #[wasm_bindgen(js_name = verificationId, unchecked_param_type = "string")]
        verification_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&verification_id, "verificationId")?;
            output(&c.kyc().status(&id).await?)
        })
    }
}

#[wasm_bindgen]
impl ExchangeApi {
    /// Indicative rates (not executable), keyed by currency.
    #[wasm_bindgen(unchecked_return_type = "Promise<ExchangeRates>")]
    pub fn rates(&self) -> Promise {
        let c = self.c.clone();
        spawn(async move { output(&c.exchange().rates().await?) })
    }

    /// Locks a rate for the partner's own exchange; use the lock before it expires.
    #[wasm_bindgen(js_name = partnerLock, unchecked_return_type = "Promise<ExchangeLock>")]
    pub fn partner_lock(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ExchangeLockQuery")] query: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let q: ExchangeLockQuery = if query.is_undefined() || query.is_null() {
                ExchangeLockQuery::default()
            } else {
                input(query, "query")?
            };
            output(&c.exchange().partner_lock(&q).await?)
        })
    }

    /// Exchanges on the partner's account with a locked rate. Resolves once *accepted*; follow
    /// it with `waitFor` or the exchange webhook.
    #[wasm_bindgen(js_name = partnerExecute, unchecked_return_type = "Promise<ExchangeCreated>")]
    pub fn partner_execute(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PartnerExchangeRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: PartnerExchangeRequest = input(request, "request")?;
            output(&c.exchange().partner_execute(&req).await?)
        })
    }

    /// Locks a rate for a user's exchange.
    #[wasm_bindgen(js_name = userLock, unchecked_return_type = "Promise<ExchangeLock>")]
    pub fn user_lock(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            output(&c.exchange().user_lock(&id).await?)
        })
    }

    /// Exchanges on a user's account with a locked rate (accepted, then processed).
    #[wasm_bindgen(js_name = userExecute, unchecked_return_type = "Promise<ExchangeCreated>")]
    pub fn user_execute(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserExchangeRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UserExchangeRequest = input(request, "request")?;
            output(&c.exchange().user_execute(&req).await?)
        })
    }

    /// The state of an exchange.
    #[wasm_bindgen(unchecked_return_type = "Promise<ExchangeDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = exchangeId, unchecked_param_type = "string")] exchange_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&exchange_id, "exchangeId")?;
            output(&c.exchange().details(&id).await?)
        })
    }

    /// Polls `details` until the exchange is `COMPLETED` or `FAILED`; rejects with a
    /// `TimeoutError` after `options.timeoutMs` (default 5 minutes).
    #[wasm_bindgen(js_name = waitFor, unchecked_return_type = "Promise<ExchangeDetails>")]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(js_name = exchangeId, unchecked_param_type = "string")] exchange_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&exchange_id, "exchangeId")?;
            let o = wait_options(options)?;
            output(&c.exchange().wait_for(&id, o).await?)
        })
    }
}

#[wasm_bindgen]
impl SepaApi {
    /// Sends EUR from the partner's balance by SEPA. Resolves once *accepted*; follow it with
    /// `waitFor`. Never retried after an ambiguous failure.
    #[wasm_bindgen(js_name = partnerTransfer, unchecked_return_type = "Promise<SepaTransferCreated>")]
    pub fn partner_transfer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PartnerSepaTransferRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: PartnerSepaTransferRequest = input(request, "request")?;
            output(&c.sepa().partner_transfer(&req).await?)
        })
    }

    /// Sends EUR from a user's balance by SEPA (accepted, then processed).
    #[wasm_bindgen(js_name = userTransfer, unchecked_return_type = "Promise<SepaTransferCreated>")]
    pub fn user_transfer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserSepaTransferRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UserSepaTransferRequest = input(request, "request")?;
            output(&c.sepa().user_transfer(&req).await?)
        })
    }

    /// The state of a SEPA transfer.
    #[wasm_bindgen(unchecked_return_type = "Promise<SepaTransferDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = transferId, unchecked_param_type = "string")] transfer_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&transfer_id, "transferId")?;
            output(&c.sepa().details(&id).await?)
        })
    }

    /// Polls `details` until `SUCCESSFUL` or `FAILED`; rejects with a `TimeoutError` after
    /// `options.timeoutMs` (default 5 minutes).
    #[wasm_bindgen(js_name = waitFor, unchecked_return_type = "Promise<SepaTransferDetails>")]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(js_name = transferId, unchecked_param_type = "string")] transfer_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&transfer_id, "transferId")?;
            let o = wait_options(options)?;
            output(&c.sepa().wait_for(&id, o).await?)
        })
    }
}

#[wasm_bindgen]
impl CryptoApi {
    /// The current network fee of a currency (and network).
    #[wasm_bindgen(js_name = networkFee, unchecked_return_type = "Promise<NetworkFee>")]
    pub fn network_fee(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NetworkFeeQuery")] query: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let q: NetworkFeeQuery = input(query, "query")?;
            output(&c.crypto().network_fee(&q).await?)
        })
    }

    /// Sends crypto from the partner's balance (accepted, then processed).
    #[wasm_bindgen(js_name = partnerWithdrawal, unchecked_return_type = "Promise<WithdrawalCreated>")]
    pub fn partner_withdrawal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "PartnerCryptoWithdrawalRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: PartnerCryptoWithdrawalRequest = input(request, "request")?;
            output(&c.crypto().partner_withdrawal(&req).await?)
        })
    }

    /// Sends crypto from a user's balance (accepted, then processed).
    #[wasm_bindgen(js_name = userWithdrawal, unchecked_return_type = "Promise<WithdrawalCreated>")]
    pub fn user_withdrawal(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UserCryptoWithdrawalRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UserCryptoWithdrawalRequest = input(request, "request")?;
            output(&c.crypto().user_withdrawal(&req).await?)
        })
    }

    /// The state of a crypto withdrawal.
    #[wasm_bindgen(unchecked_return_type = "Promise<CryptoWithdrawalDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = withdrawalId, unchecked_param_type = "string")]
        withdrawal_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&withdrawal_id, "withdrawalId")?;
            output(&c.crypto().details(&id).await?)
        })
    }

    /// Polls `details` until `SUCCESSFUL` or `FAILED`.
    #[wasm_bindgen(js_name = waitFor, unchecked_return_type = "Promise<CryptoWithdrawalDetails>")]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(js_name = withdrawalId, unchecked_param_type = "string")]
        withdrawal_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&withdrawal_id, "withdrawalId")?;
            let o = wait_options(options)?;
            output(&c.crypto().wait_for(&id, o).await?)
        })
    }

    /// Sends the sender's travel-rule data for a deposit held in `WAITING_FOR_TR_DATA`.
    #[wasm_bindgen(js_name = updateTravelRule, unchecked_return_type = "Promise<void>")]
    pub fn update_travel_rule(
        &self,
        #[wasm_bindgen(
            unchecked_param_type = "TravelRuleUpdateRequest & { cryptoDepositId: string }"
        )]
        request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: TravelRuleUpdateRequest = input(request, "request")?;
            done(c.crypto().update_travel_rule(&req).await)
        })
    }
}

#[wasm_bindgen]
impl TransfersApi {
    /// Moves money between the partner and a user: set `destinationExternalUserId` to fund a
    /// user, or `sourceExternalUserId` to collect from one. Accepted, then processed.
    #[wasm_bindgen(unchecked_return_type = "Promise<TransferCreated>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TransferRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: TransferRequest = input(request, "request")?;
            output(&c.transfers().create(&req).await?)
        })
    }

    /// The state of an internal transfer.
    #[wasm_bindgen(unchecked_return_type = "Promise<TransferDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = transferId, unchecked_param_type = "string")] transfer_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&transfer_id, "transferId")?;
            output(&c.transfers().details(&id).await?)
        })
    }

    /// Polls `details` until final.
    #[wasm_bindgen(js_name = waitFor, unchecked_return_type = "Promise<TransferDetails>")]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(js_name = transferId, unchecked_param_type = "string")] transfer_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&transfer_id, "transferId")?;
            let o = wait_options(options)?;
            output(&c.transfers().wait_for(&id, o).await?)
        })
    }
}

#[wasm_bindgen]
impl CardsApi {
    /// Issues a virtual card (label 3–30 characters, 4-digit PIN). The reply holds the PAN and
    /// CVV: keep them out of logs.
    #[wasm_bindgen(unchecked_return_type = "Promise<CardCreated>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateCardRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateCardRequest = input(request, "request")?;
            output(&c.cards().create(&req).await?)
        })
    }

    /// The user's cards.
    #[wasm_bindgen(unchecked_return_type = "Promise<CardList>")]
    pub fn list(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&external_user_id, "externalUserId")?;
            output(&c.cards().list(&id).await?)
        })
    }

    /// Full card data (PAN, CVV, expiry) for a secure screen.
    #[wasm_bindgen(unchecked_return_type = "Promise<CardDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
        #[wasm_bindgen(js_name = cardId, unchecked_param_type = "string")] card_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let user = text(&external_user_id, "externalUserId")?;
            let card = text(&card_id, "cardId")?;
            output(&c.cards().details(&user, &card).await?)
        })
    }

    /// Changes the PIN (exactly 4 digits).
    #[wasm_bindgen(js_name = updatePin, unchecked_return_type = "Promise<void>")]
    pub fn update_pin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdatePinRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UpdatePinRequest = input(request, "request")?;
            done(c.cards().update_pin(&req).await)
        })
    }

    /// Blocks a card (temporary).
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn block(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CardRef")] card: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let card: CardRef = input(card, "card")?;
            done(c.cards().block(&card).await)
        })
    }

    /// Unblocks a card.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn unblock(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CardRef")] card: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let card: CardRef = input(card, "card")?;
            done(c.cards().unblock(&card).await)
        })
    }

    /// The card's spending limits.
    #[wasm_bindgen(unchecked_return_type = "Promise<CardLimits>")]
    pub fn limits(
        &self,
        #[wasm_bindgen(js_name = externalUserId, unchecked_param_type = "string")]
        external_user_id: JsValue,
        #[wasm_bindgen(js_name = cardId, unchecked_param_type = "string")] card_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let user = text(&external_user_id, "externalUserId")?;
            let card = text(&card_id, "cardId")?;
            output(&c.cards().limits(&user, &card).await?)
        })
    }

    /// Changes spending limits (each ≥ 0; amounts as strings).
    #[wasm_bindgen(js_name = updateLimits, unchecked_return_type = "Promise<void>")]
    pub fn update_limits(
        &self,
        #[wasm_bindgen(unchecked_param_type = "UpdateCardLimitsRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: UpdateCardLimitsRequest = input(request, "request")?;
            done(c.cards().update_limits(&req).await)
        })
    }

    /// Deletes a card for good.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CardRef")] card: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let card: CardRef = input(card, "card")?;
            done(c.cards().delete(&card).await)
        })
    }
}

#[wasm_bindgen]
impl OrdersApi {
    /// Current order rates, keyed by currency.
    #[wasm_bindgen(unchecked_return_type = "Promise<OrderRates>")]
    pub fn rates(&self) -> Promise {
        let c = self.c.clone();
        spawn(async move { output(&c.orders().rates().await?) })
    }

    /// Locks an order rate; use the lock before `expiresAt`.
    #[wasm_bindgen(unchecked_return_type = "Promise<OrderLock>")]
    pub fn lock(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OrderLockRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: OrderLockRequest = input(request, "request")?;
            output(&c.orders().lock(&req).await?)
        })
    }

    /// Turns a lock into an order (accepted, then processed).
    #[wasm_bindgen(unchecked_return_type = "Promise<OrderCreated>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreateOrderRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreateOrderRequest = input(request, "request")?;
            output(&c.orders().create(&req).await?)
        })
    }

    /// The state of an order.
    #[wasm_bindgen(unchecked_return_type = "Promise<OrderDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = orderId, unchecked_param_type = "string")] order_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&order_id, "orderId")?;
            output(&c.orders().details(&id).await?)
        })
    }

    /// Polls `details` until the order is final.
    #[wasm_bindgen(js_name = waitFor, unchecked_return_type = "Promise<OrderDetails>")]
    pub fn wait_for(
        &self,
        #[wasm_bindgen(js_name = orderId, unchecked_param_type = "string")] order_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions")] options: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&order_id, "orderId")?;
            let o = wait_options(options)?;
            output(&c.orders().wait_for(&id, o).await?)
        })
    }
}

#[wasm_bindgen]
impl PaymentLinksApi {
    /// Generates a standard payment link (path and shape inferred).
    #[wasm_bindgen(unchecked_return_type = "Promise<PaymentLink>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreatePaymentLinkRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreatePaymentLinkRequest = input(request, "request")?;
            output(&c.payment_links().create(&req).await?)
        })
    }

    /// Generates a hosted checkout with the partner's branding (path and shape inferred).
    #[wasm_bindgen(js_name = createCheckout, unchecked_return_type = "Promise<PaymentLink>")]
    pub fn create_checkout(
        &self,
        #[wasm_bindgen(unchecked_param_type = "CreatePaymentLinkRequest")] request: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let req: CreatePaymentLinkRequest = input(request, "request")?;
            output(&c.payment_links().create_checkout(&req).await?)
        })
    }

    /// The state of a payment link.
    #[wasm_bindgen(unchecked_return_type = "Promise<PaymentLinkDetails>")]
    pub fn details(
        &self,
        #[wasm_bindgen(js_name = paymentLinkId, unchecked_param_type = "string")]
        payment_link_id: JsValue,
    ) -> Promise {
        let c = self.c.clone();
        spawn(async move {
            let id = text(&payment_link_id, "paymentLinkId")?;
            output(&c.payment_links().details(&id).await?)
        })
    }
}
