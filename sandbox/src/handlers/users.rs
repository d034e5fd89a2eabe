//! Users (both models), account management, balances, and the KYC flows.

use std::sync::Arc;

use p100::models::{
    CreateKycVerificationRequest, CreateUserRequest, CreateUserWithoutKycRequest, DocumentType,
    FileUpload, KycFilesRequest, PoaFilesRequest, TransactionHistoryQuery, UpdateUserRequest,
    UserVerificationRequest,
};
use p100::Currency;
use serde_json::json;

use super::partner::{history, BANK_ADDRESS, SWIFT};
use super::{user, user_mut};
use crate::api::{check, Ctx};
use crate::app::App;
use crate::error::{self, ApiError};
use crate::reply::Reply;
use crate::state::{Account, Holder, KycCheck, User, UserModel, ACTIVE, WAITING};
use crate::util::{iban_lt, uuid, wallet};

/// Countries whose users must send a proof of address (oldest docs).
const POA_COUNTRIES: &[&str] = &["AM", "AR", "AZ", "GE", "IL", "MD", "UA"];

fn new_user(
    external_user_id: &str,
    model: UserModel,
    email: &str,
    first_name: &str,
    last_name: &str,
    country: &str,
) -> User {
    User {
        external_user_id: external_user_id.to_string(),
        user_id: uuid(),
        model,
        email: email.to_string(),
        first_name: first_name.to_string(),
        last_name: last_name.to_string(),
        country: country.to_ascii_uppercase(),
        suspended: false,
        kyc_files: Vec::new(),
        poa: None,
        kyc_by_p100: false,
        verified: false,
        account: Account::new(match model {
            UserModel::Kyc => Some(WAITING),
            UserModel::NoKyc => None,
        }),
        cards: Vec::new(),
        contacts: Vec::new(),
        deposit_reference: uuid(),
    }
}

/// `POST /v1/user/balances/crypto-and-fiat` — KYC model; balances wait for verification.
pub fn create(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: CreateUserRequest = ctx.valid()?;
    let mut st = app.write();
    if st.users.contains_key(&req.external_user_id) {
        return Err(ApiError::of(error::USER_EXISTS));
    }
    let u = new_user(
        &req.external_user_id,
        UserModel::Kyc,
        &req.email,
        &req.first_name,
        &req.last_name,
        &req.country,
    );
    let poa_required = POA_COUNTRIES.contains(&u.country.as_str());
    let user_id = u.user_id.clone();
    st.users.insert(req.external_user_id.clone(), u);
    Ok(Reply::created(json!({
        "userId": user_id,
        "poaRequiredForExtended": poa_required,
    })))
}

/// `POST /v1/user/balances/crypto` — non-KYC model; balances come back at once (flat array).
pub fn create_without_kyc(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: CreateUserWithoutKycRequest = ctx.valid()?;
    let mut st = app.write();
    if st.users.contains_key(&req.external_user_id) {
        return Err(ApiError::of(error::USER_EXISTS));
    }
    let u = new_user(
        &req.external_user_id,
        UserModel::NoKyc,
        &req.email,
        &req.first_name,
        &req.last_name,
        &req.country,
    );
    let body = json!({ "userId": u.user_id, "balances": u.account.to_flat_json() });
    st.users.insert(req.external_user_id.clone(), u);
    Ok(Reply::created(body))
}

/// `PATCH /v1/user/{externalUserId}`.
pub fn update(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let req: UpdateUserRequest = ctx.valid()?;
    let mut st = app.write();
    let u = user_mut(&mut st, ctx.param(0))?;
    if let Some(e) = req.email {
        u.email = e;
    }
    Ok(Reply::empty())
}

/// `DELETE /v1/user/{externalUserId}`.
pub fn delete(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.param(0).to_string();
    let ended = {
        let mut st = app.write();
        user(&st, &id)?;
        st.users.remove(&id);
        super::money::end_pending_for_deleted(&mut st, &id)
    };
    for (event, payload) in ended {
        app.emit(event, payload);
    }
    app.emit(
        "user_status",
        json!({ "externalUserId": id, "status": "DELETED" }),
    );
    Ok(Reply::empty())
}

/// `PATCH /v1/user/suspend/{externalUserId}` — P454 while a card is ACTIVE.
pub fn suspend(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.param(0).to_string();
    {
        let mut st = app.write();
        let u = user_mut(&mut st, &id)?;
        if u.cards.iter().any(|c| c.status == "ACTIVE") {
            return Err(ApiError::of(error::SUSPEND_ACTIVE_CARDS));
        }
        u.suspended = true;
    }
    app.emit(
        "user_status",
        json!({ "externalUserId": id, "status": "SUSPENDED" }),
    );
    Ok(Reply::empty())
}

/// `PATCH /v1/user/unsuspend/{externalUserId}`.
pub fn unsuspend(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let id = ctx.param(0).to_string();
    let status = {
        let mut st = app.write();
        let u = user_mut(&mut st, &id)?;
        u.suspended = false;
        // ACTIVE means verified with balances (the FAQ): a KYC-model user not verified yet is
        // back to INACTIVE, not ACTIVE.
        if u.model == UserModel::NoKyc || u.verified {
            ACTIVE
        } else {
            "INACTIVE"
        }
    };
    app.emit(
        "user_status",
        json!({ "externalUserId": id, "status": status }),
    );
    Ok(Reply::empty())
}

/// `GET /v1/user/{externalUserId}/balances`.
pub fn balances(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let u = user(&st, ctx.param(0))?;
    Ok(Reply::ok(u.account.to_json()))
}

/// `GET /v1/user/{externalUserId}/transactions?month=&year=`.
pub fn transactions(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let q: TransactionHistoryQuery = ctx.valid_query()?;
    let st = app.read();
    let id = ctx.param(0);
    user(&st, id)?;
    Ok(Reply::ok(history(
        &st,
        &Holder::User(id.to_string()),
        q.month,
        q.year,
    )))
}

/// `GET /v1/sepa-deposit/info/{externalUserId}` — the user's own IBAN and reference.
pub fn sepa_deposit_info(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
    let st = app.read();
    let u = user(&st, ctx.param(0))?;
    let Some(iban) = u.iban() else {
        return Err(ApiError::with(
            error::USER_NOT_VERIFIED,
            "User not verified: the IBAN exists once Add User Verification succeeded.",
        ));
    };
    Ok(Reply::ok(json!({
        "title": u.deposit_reference,
        "iban": iban,
        "swift": SWIFT,
        "accountHolder": format!("{} {}", u.first_name, u.last_name),
        "address": BANK_ADDRESS,
    })))
}

/// `client.kyc`: document and POA uploads, verification, KYC by P100.
pub mod kyc {
    use super::*;

    /// Checks upload parts the way the API does: P440 over 5 MB, P426 not JPEG/PNG/PDF.
    fn files_of(ctx: &Ctx) -> Result<Vec<FileUpload>, ApiError> {
        let mut out = Vec::new();
        for p in ctx.parts.iter().filter(|p| p.name == "files") {
            if p.data.len() > p100::validate::MAX_UPLOAD_BYTES {
                return Err(ApiError::with(
                    error::FILE_TOO_LARGE,
                    "File too large: at most 5 MB per file.",
                ));
            }
            if !p.data.is_empty() && p100::validate::sniff(&p.data).is_none() {
                return Err(ApiError::with(
                    error::INVALID_FILE_TYPE,
                    "Invalid file type: JPEG, PNG or PDF only.",
                ));
            }
            out.push(FileUpload::new(
                p.file_name.clone().unwrap_or_else(|| "file".into()),
                p.data.to_vec(),
            ));
        }
        Ok(out)
    }

    /// `POST /v1/user/kyc-files/{externalUserId}` (multipart `documentType` + `files`).
    pub fn upload_files(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let files = files_of(ctx)?;
        let doc = ctx
            .parts
            .iter()
            .find(|p| p.name == "documentType")
            .map(|p| String::from_utf8_lossy(&p.data).trim().to_string())
            .ok_or_else(|| ApiError::validation("documentType is required"))?;
        let req = KycFilesRequest {
            external_user_id: ctx.param(0).to_string(),
            document_type: DocumentType::parse(&doc),
            files,
        };
        check(&req)?;
        let id = req.external_user_id.clone();
        {
            let mut st = app.write();
            let u = user_mut(&mut st, &id)?;
            u.kyc_files.push(req.document_type.as_str().to_string());
        }
        app.emit(
            "kyc_file",
            json!({ "externalUserId": id, "status": "ADDED" }),
        );
        Ok(Reply::created(json!({})))
    }

    /// `POST /v1/user/poa-files/{externalUserId}` (multipart `files`): WAITING, then APPROVED.
    pub fn upload_poa(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let files = files_of(ctx)?;
        let req = PoaFilesRequest {
            external_user_id: ctx.param(0).to_string(),
            files,
        };
        check(&req)?;
        let id = req.external_user_id.clone();
        {
            let mut st = app.write();
            let u = user_mut(&mut st, &id)?;
            if u.poa == Some("APPROVED") {
                return Err(ApiError::of(error::POA_ALREADY_VERIFIED));
            }
            if u.poa == Some("WAITING") {
                // The documented `202 P211: POA pending`, a success status: the first upload is
                // still under review, these files are not taken.
                return Ok(Reply::Json(
                    axum::http::StatusCode::ACCEPTED,
                    json!({"errorCode": "P211", "errorMessage": "POA pending."}),
                ));
            }
            u.poa = Some("WAITING");
        }
        app.emit("poa_verification", poa_event(&id, "WAITING"));
        let uid = id.clone();
        app.after_settle(move |app| {
            let approved = {
                let mut st = app.write();
                match st.users.get_mut(&uid) {
                    Some(u) if u.poa == Some("WAITING") => {
                        u.poa = Some("APPROVED");
                        true
                    }
                    _ => false,
                }
            };
            if approved {
                app.emit("poa_verification", poa_event(&uid, "APPROVED"));
            }
        });
        Ok(Reply::created(json!({})))
    }

    /// `POST /v1/user/verification` — after KYC files or a passed KYC by P100: the fiat balance
    /// becomes ACTIVE with an IBAN, wallets are assigned, and the user-status webhook says ACTIVE.
    pub fn add_verification(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let req: UserVerificationRequest = ctx.valid()?;
        let id = req.external_user_id.clone();
        {
            let mut st = app.write();
            let u = user_mut(&mut st, &id)?;
            if u.model == UserModel::NoKyc {
                return Err(ApiError::with(
                    error::USER_NOT_VERIFIED,
                    "Users of the non-KYC model cannot be verified.",
                ));
            }
            if u.kyc_files.is_empty() && !u.kyc_by_p100 {
                return Err(ApiError::with(
                error::USER_NOT_VERIFIED,
                "User not verified: add KYC files or complete a KYC by P100 verification first.",
            ));
            }
            if u.verified {
                return Ok(Reply::empty());
            }
            u.verified = true;
            for b in &mut u.account.balances {
                if b.currency == Currency::Eur {
                    b.status = Some(ACTIVE);
                    b.iban = Some(iban_lt());
                } else {
                    b.wallet = Some(wallet(&b.currency));
                }
            }
        }
        app.emit(
            "user_status",
            json!({ "externalUserId": id, "status": "ACTIVE" }),
        );
        Ok(Reply::empty())
    }

    /// `POST /v1/kyc` — KYC by P100: the user "completes" the flow after the settle delay.
    pub fn create_verification(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let req: CreateKycVerificationRequest = ctx.valid()?;
        let uid = req.external_user_id.clone();
        let vid = uuid();
        {
            let mut st = app.write();
            user(&st, &uid)?;
            st.kyc.insert(
                vid.clone(),
                KycCheck {
                    id: vid.clone(),
                    external_user_id: uid.clone(),
                    verification_status: "NOT_VERIFIED",
                    attempt_status: "PENDING",
                },
            );
        }
        app.emit(
            "kyc_verification",
            json!({
                "externalUserId": uid,
                "verificationStatus": "NOT_VERIFIED",
                "attemptStatus": "PENDING",
                "rejectionReason": null,
            }),
        );
        let (u2, v2) = (uid.clone(), vid.clone());
        app.after_settle(move |app| {
            let done = {
                let mut st = app.write();
                let ok = match st.kyc.get_mut(&v2) {
                    Some(k) if k.attempt_status != "SUCCESSFUL" => {
                        k.attempt_status = "SUCCESSFUL";
                        k.verification_status = "VERIFIED";
                        true
                    }
                    _ => false,
                };
                if ok {
                    if let Some(u) = st.users.get_mut(&u2) {
                        u.kyc_by_p100 = true;
                    }
                }
                ok
            };
            if done {
                app.emit(
                    "kyc_verification",
                    json!({
                        "externalUserId": u2,
                        "verificationStatus": "VERIFIED",
                        "attemptStatus": "SUCCESSFUL",
                        "rejectionReason": null,
                    }),
                );
            }
        });
        let url = format!("{}/v1/kyc/verification/{uid}/{vid}", app.base_url);
        Ok(Reply::created(json!({
            "verificationId": vid,
            "url": url,
            "status": "PENDING",
        })))
    }

    /// `GET /v1/kyc/verification/{externalUserId}/{verificationId}` — the HTML loading page.
    pub fn verification_page(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let st = app.read();
        let uid = ctx.param(0);
        user(&st, uid)?;
        match st.kyc.get(ctx.param(1)) {
            Some(k) if k.external_user_id == uid => Ok(Reply::Html(format!(
                "<!DOCTYPE html><html><head><title>P100 KYC (sandbox)</title></head><body>\
             <p>Loading verification… (sandbox: verification {} completes by itself)</p>\
             </body></html>",
                k.id
            ))),
            _ => Err(ApiError::of(error::KYC_NOT_FOUND)),
        }
    }

    /// `GET /v1/kyc/status/{verificationId}`.
    pub fn status(app: &Arc<App>, ctx: &Ctx) -> Result<Reply, ApiError> {
        let st = app.read();
        let k = st
            .kyc
            .get(ctx.param(0))
            .ok_or_else(|| ApiError::of(error::KYC_NOT_FOUND))?;
        Ok(Reply::ok(json!({
            "externalUserId": k.external_user_id,
            "verificationStatus": k.verification_status,
            "attemptStatus": k.attempt_status,
            "rejectionReason": null,
        })))
    }
}

/// A POA check's webhook body: `{externalUserId, status}`, the presumed shape of the user
/// webhooks (the docs give the statuses, not the payload).
pub(crate) fn poa_event(external_user_id: &str, status: &str) -> serde_json::Value {
    json!({ "externalUserId": external_user_id, "status": status })
}
