//! The accept loop: HTTP/1.1 on a loopback listener, one task per connection.
//!
//! Written on hyper directly (rather than `axum::serve`) so that a request can close its own
//! connection without any reply — the `drop` fault.

use std::sync::Arc;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tower::ServiceExt;

/// Put in every request's extensions: notifying it closes the request's connection at once.
#[derive(Clone, Debug)]
pub struct ConnKill(pub Arc<Notify>);

/// Serves `router` on `listener` until `shutdown` changes (or its sender is dropped).
pub async fn serve(listener: TcpListener, router: Router, mut shutdown: watch::Receiver<bool>) {
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        let stream = match accepted {
            Ok((stream, _peer)) => stream,
            Err(_) => {
                // Out of file descriptors or similar: back off a little and keep serving.
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let kill = Arc::new(Notify::new());
            let k = Arc::clone(&kill);
            let svc = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(ConnKill(Arc::clone(&k)));
                let router = router.clone();
                async move { router.oneshot(req.map(axum::body::Body::new)).await }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), svc);
            tokio::select! {
                _ = conn => {}
                _ = kill.notified() => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}
