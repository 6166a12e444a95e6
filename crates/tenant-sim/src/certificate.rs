//! App-only sign-in with a certificate: the client assertion Entra checks (RS256 over the app's
//! registered certificate, its SHA-1 thumbprint as `x5t`, issuer and subject the client ID, an
//! audience ending in the token endpoint, and a time range within five minutes of the server's
//! clock), and a way for tests to issue such a certificate.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use openssl::asn1::Asn1Time;
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::PKey;
use openssl::rsa::Rsa;
use openssl::sign::Verifier;
use openssl::x509::{X509, X509NameBuilder};
use serde::Deserialize;

use crate::aadsts::{self, Aadsts};

/// Entra's allowance for clock differences in an assertion's time range.
pub const CLOCK_LEEWAY_SECS: i64 = 300;

/// A certificate for an app registration: the PKCS #12 file its owner keeps (with the private
/// key), and the public certificate uploaded to the registration.
pub struct IssuedCertificate {
    pub pkcs12: Vec<u8>,
    pub certificate_der: Vec<u8>,
}

/// A self-signed RSA certificate in a PKCS #12 file protected by `password` (may be empty).
pub fn issue(common_name: &str, password: &str) -> Result<IssuedCertificate, String> {
    let build = || -> Result<IssuedCertificate, openssl::error::ErrorStack> {
        let key = PKey::from_rsa(Rsa::generate(2048)?)?;
        let mut name = X509NameBuilder::new()?;
        name.append_entry_by_text("CN", common_name)?;
        let name = name.build();
        let mut cert = X509::builder()?;
        cert.set_version(2)?;
        let serial = BigNum::from_u32(1)?.to_asn1_integer()?;
        cert.set_serial_number(&serial)?;
        cert.set_subject_name(&name)?;
        cert.set_issuer_name(&name)?;
        cert.set_pubkey(&key)?;
        let (not_before, not_after) = (Asn1Time::days_from_now(0)?, Asn1Time::days_from_now(365)?);
        cert.set_not_before(&not_before)?;
        cert.set_not_after(&not_after)?;
        cert.sign(&key, MessageDigest::sha256())?;
        let cert = cert.build();
        let pkcs12 = Pkcs12::builder()
            .name(common_name)
            .pkey(&key)
            .cert(&cert)
            .build2(password)?;
        Ok(IssuedCertificate {
            pkcs12: pkcs12.to_der()?,
            certificate_der: cert.to_der()?,
        })
    };
    build().map_err(|e| format!("cannot issue a certificate: {e}"))
}

/// Why Entra refuses an assertion, with its AADSTS code.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Malformed(&'static str),
    UnknownCertificate,
    BadSignature,
    WrongClient,
    WrongAudience,
    OutOfTime { now: i64, nbf: i64, exp: i64 },
}

impl Refusal {
    pub fn code(&self) -> Aadsts {
        match self {
            Refusal::Malformed(_) | Refusal::WrongAudience => aadsts::INVALID_JWT_TOKEN,
            Refusal::UnknownCertificate => aadsts::CLIENT_ASSERTION_SIGNATURE,
            Refusal::BadSignature => aadsts::AUTHENTICATION_FAILED,
            Refusal::WrongClient => aadsts::SUBJECT_MISMATCHES_ISSUER,
            Refusal::OutOfTime { .. } => aadsts::ASSERTION_OUT_OF_TIME,
        }
    }

    pub fn description(&self) -> String {
        match self {
            Refusal::Malformed(what) => format!("Invalid JWT token: {what}."),
            Refusal::UnknownCertificate => "Client assertion failed signature validation: the certificate with this identifier is not registered on the application.".into(),
            Refusal::BadSignature => "Client assertion contains an invalid signature.".into(),
            Refusal::WrongClient => "Client assertion application identifier does not match 'client_id' parameter.".into(),
            Refusal::WrongAudience => "Invalid JWT token: the audience is not this token endpoint.".into(),
            Refusal::OutOfTime { now, nbf, exp } => format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {} to {}.",
                stamp(*now), stamp(*nbf), stamp(*exp)
            ),
        }
    }
}

fn stamp(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_else(|| secs.to_string())
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    x5t: String,
}

#[derive(Deserialize)]
struct Claims {
    aud: String,
    iss: String,
    sub: String,
    nbf: i64,
    exp: i64,
}

/// Checks an app's client assertion against its registered certificates, at `now` (Unix seconds).
pub fn verify(
    assertion: &str,
    client_id: &str,
    registered: &[Vec<u8>],
    now: i64,
) -> Result<(), Refusal> {
    let mut parts = assertion.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(Refusal::Malformed("not three parts"));
    };
    let header: Header = decode_json(header).ok_or(Refusal::Malformed("unreadable header"))?;
    let claims: Claims = decode_json(payload).ok_or(Refusal::Malformed("unreadable claims"))?;
    if header.alg != "RS256" {
        return Err(Refusal::Malformed("alg must be RS256"));
    }
    let thumbprint = decode(&header.x5t).ok_or(Refusal::Malformed("unreadable x5t"))?;
    let certificate = registered
        .iter()
        .filter_map(|der| X509::from_der(der).ok())
        .find(|cert| {
            cert.digest(MessageDigest::sha1())
                .is_ok_and(|d| d.as_ref() == thumbprint.as_slice())
        })
        .ok_or(Refusal::UnknownCertificate)?;
    let signature = decode(signature).ok_or(Refusal::Malformed("unreadable signature"))?;
    let signed =
        &assertion[..assertion.len() - assertion.rsplit('.').next().map_or(0, |s| s.len() + 1)];
    let valid = certificate
        .public_key()
        .and_then(|key| {
            let mut verifier = Verifier::new(MessageDigest::sha256(), &key)?;
            verifier.update(signed.as_bytes())?;
            verifier.verify(&signature)
        })
        .unwrap_or(false);
    if !valid {
        return Err(Refusal::BadSignature);
    }
    if claims.iss != client_id || claims.sub != client_id {
        return Err(Refusal::WrongClient);
    }
    if !claims.aud.ends_with("/oauth2/v2.0/token") {
        return Err(Refusal::WrongAudience);
    }
    if now + CLOCK_LEEWAY_SECS < claims.nbf || now - CLOCK_LEEWAY_SECS > claims.exp {
        return Err(Refusal::OutOfTime {
            now,
            nbf: claims.nbf,
            exp: claims.exp,
        });
    }
    Ok(())
}

/// JWT parts are base64url without padding; `x5t` is sometimes sent in standard base64.
fn decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(text)
        .or_else(|_| URL_SAFE.decode(text))
        .or_else(|_| STANDARD.decode(text))
        .ok()
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Option<T> {
    serde_json::from_slice(&decode(part)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use openssl::pkcs12::Pkcs12;
    use openssl::sign::Signer;

    fn assertion(pkcs12: &[u8], claims: serde_json::Value) -> String {
        let parsed = Pkcs12::from_der(pkcs12).unwrap().parse2("pw").unwrap();
        let cert = parsed.cert.unwrap();
        let x5t = STANDARD.encode(cert.digest(MessageDigest::sha1()).unwrap());
        let header =
            URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","typ":"JWT","x5t":"{x5t}"}}"#));
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let signed = format!("{header}.{payload}");
        let mut signer =
            Signer::new(MessageDigest::sha256(), parsed.pkey.as_ref().unwrap()).unwrap();
        signer.update(signed.as_bytes()).unwrap();
        format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(signer.sign_to_vec().unwrap())
        )
    }

    fn claims(client: &str, nbf: i64) -> serde_json::Value {
        serde_json::json!({"aud": "https://login.example/t/oauth2/v2.0/token", "iss": client, "sub": client, "jti": "1", "nbf": nbf, "exp": nbf + 300})
    }

    #[test]
    fn a_signed_assertion_from_the_registered_certificate_is_accepted_and_others_are_not() {
        let issued = issue("Kiosk", "pw").expect("issued");
        let other = issue("Other", "pw").expect("issued");
        let now = 1_800_000_000;
        let good = assertion(&issued.pkcs12, claims("app", now));
        assert_eq!(
            verify(
                &good,
                "app",
                std::slice::from_ref(&issued.certificate_der),
                now
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &good,
                "app",
                std::slice::from_ref(&other.certificate_der),
                now
            ),
            Err(Refusal::UnknownCertificate)
        );
        assert_eq!(
            verify(
                &good,
                "another-app",
                std::slice::from_ref(&issued.certificate_der),
                now
            ),
            Err(Refusal::WrongClient)
        );
        let mut tampered = good.clone();
        tampered.replace_range(good.len() - 6.., "AAAAAA");
        assert_eq!(
            verify(
                &tampered,
                "app",
                std::slice::from_ref(&issued.certificate_der),
                now
            ),
            Err(Refusal::BadSignature)
        );
        // Signed by a clock 20 minutes ahead.
        let early = assertion(&issued.pkcs12, claims("app", now + 1200));
        let refusal = verify(&early, "app", &[issued.certificate_der], now).unwrap_err();
        assert_eq!(refusal.code().number(), 500133);
    }
}
