//! Which certificates the client trusts, over a real TLS handshake with a local server
//! (127.0.0.1) whose certificate a test CA (`tests/tls/ca.pem`) signed, the CA handed to the
//! platform through `SSL_CERT_FILE`.
//!
//! - Default build: the platform's verifier (rustls-platform-verifier, reading the OS store,
//!   which honours `SSL_CERT_FILE`) trusts the CA, and the call succeeds. This is the positive
//!   control: the server and its certificate are good.
//! - `--features bundled-roots` (what Android always uses): only Mozilla's roots built into the
//!   library are trust anchors, so the same server is refused, the OS store never consulted,
//!   and the error says the request was not sent.
//!
//! This file is its own test process, so setting `SSL_CERT_FILE` affects nothing else.

use std::sync::Arc;

use p100::{Client, RetryPolicy};
#[cfg(feature = "bundled-roots")]
use p100::{ErrorKind, Outcome};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tls");

/// A TLS server on 127.0.0.1 answering every request with a balances reply; its port.
async fn serve() -> u16 {
    let certs = CertificateDer::pem_file_iter(format!("{DIR}/server.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(format!("{DIR}/server.key")).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::aws_lc_rs::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => seen.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"fiatBalances":[{"id":"f1","amount":"10.00","name":"eur","rate":1,"iban":null,"status":"ACTIVE"}],"cryptoBalances":[]}"#;
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(reply.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    port
}

#[tokio::test]
async fn the_trust_anchors_are_the_platforms_or_only_the_bundled_roots() {
    // Before any client exists (the OS store is read when a client is built).
    std::env::set_var("SSL_CERT_FILE", format!("{DIR}/ca.pem"));
    let port = serve().await;
    let client = Client::builder()
        .api_key("test-key-123")
        .base_url(format!("https://localhost:{port}"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let result = client.partner().balances().await;

    #[cfg(not(feature = "bundled-roots"))]
    {
        let balances = result.expect("the platform verifier trusts the CA from SSL_CERT_FILE");
        assert_eq!(balances.fiat_balances[0].amount.to_string(), "10.00");
    }
    #[cfg(feature = "bundled-roots")]
    {
        let e = result.expect_err("a CA outside the bundled roots must be refused");
        assert_eq!(e.kind(), ErrorKind::Network, "{e}");
        assert_eq!(e.outcome(), Outcome::NotSent, "{e}");
        // The message carries the cause (rustls: "invalid peer certificate: UnknownIssuer").
        let text = e.to_string();
        assert!(text.contains("invalid peer certificate"), "{text}");
    }
}
