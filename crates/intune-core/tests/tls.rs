//! HTTPS as the app makes it: a server is trusted when the computer's trust store holds its
//! root (as a root certificate an organisation deploys is), and refused, in words the admin can
//! act on, when it does not.
//!
//! The certificates are test-only, for `localhost`, in `tests/fixtures/tls/`: a root
//! (`trusted-ca.pem`), a server certificate it signed (`localhost.pem`) and a self-signed one
//! (`self-signed.pem`). On Linux the OS verifier reads the trust store named by `SSL_CERT_FILE`,
//! so the trusted case runs this test binary again with that variable set to the test root.

use std::path::PathBuf;
use std::sync::Arc;

use intune_core::ErrorKind;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Set (to the test root's file) only in the copy of this binary the trusted case starts.
const TRUST_ENV: &str = "SSL_CERT_FILE";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// Serves one HTTPS answer per connection with the named certificate; returns its URL and a
/// receiver of each handshake's outcome (an error when the client refused the certificate).
async fn https_server(
    certificate: &str,
    key: &str,
) -> (
    String,
    tokio::sync::mpsc::UnboundedReceiver<Result<(), String>>,
) {
    let chain = CertificateDer::pem_file_iter(fixture(certificate))
        .expect("certificate file")
        .collect::<Result<Vec<_>, _>>()
        .expect("certificate");
    let key = PrivateKeyDer::from_pem_file(fixture(key)).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (handshakes, outcomes) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            match acceptor.accept(stream).await {
                Ok(mut tls) => {
                    let _ = handshakes.send(Ok(()));
                    let mut request = [0u8; 4096];
                    let _ = tls.read(&mut request).await;
                    let _ = tls
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        )
                        .await;
                    let _ = tls.shutdown().await;
                }
                Err(error) => {
                    let _ = handshakes.send(Err(error.to_string()));
                }
            }
        }
    });
    (format!("https://localhost:{port}/"), outcomes)
}

#[tokio::test]
async fn a_server_the_computer_does_not_trust_is_refused_and_the_error_says_so() {
    let (url, mut handshakes) = https_server("self-signed.pem", "self-signed.key").await;
    let client = intune_core::signin::http_client().expect("client");
    let error = client
        .reqwest()
        .get(&url)
        .send()
        .await
        .expect_err("an untrusted certificate is refused");
    let handshake = handshakes
        .recv()
        .await
        .expect("the client reached the server");
    assert!(handshake.is_err(), "the handshake failed: {handshake:?}");

    let reported = intune_core::error::unreachable("the test server", &error);
    assert_eq!(reported.kind(), ErrorKind::Network);
    assert!(
        reported.to_string().contains("certificate was not trusted"),
        "{reported}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_server_whose_root_is_in_the_trust_store_is_trusted() {
    let run = std::process::Command::new(std::env::current_exe().expect("this test binary"))
        .args([
            "--exact",
            "trusted_when_the_trust_store_holds_the_root",
            "--nocapture",
        ])
        .env(TRUST_ENV, fixture("trusted-ca.pem"))
        .output()
        .expect("runs");
    let out = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(out.contains("1 passed"), "the trusted case ran: {out}");
}

#[cfg(target_os = "linux")]
/// The trusted case, in the copy of this binary started with the test root as its trust store.
#[tokio::test]
async fn trusted_when_the_trust_store_holds_the_root() {
    if std::env::var_os(TRUST_ENV).is_none_or(|file| file != fixture("trusted-ca.pem")) {
        return; // run by a_server_whose_root_is_in_the_trust_store_is_trusted
    }
    let (url, mut handshakes) = https_server("localhost.pem", "localhost.key").await;
    let answer = intune_core::signin::http_client()
        .expect("client")
        .reqwest()
        .get(&url)
        .send()
        .await
        .expect("a certificate signed by a trusted root is accepted");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.expect("body"), "ok");
    assert_eq!(handshakes.recv().await, Some(Ok(())));
}
