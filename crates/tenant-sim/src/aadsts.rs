//! The AADSTS codes the sim answers with: each one is on Microsoft's published list, "Microsoft
//! Entra authentication and authorization error codes"
//! (<https://learn.microsoft.com/entra/identity-platform/reference-error-codes>), and the test
//! below fails for one that is not.

/// An Entra error code. Made only here, so every refusal the sim gives has a listed code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Aadsts(u32);

impl Aadsts {
    pub fn number(self) -> u32 {
        self.0
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $number:literal,)*) => {
        $($(#[$doc])* pub const $name: Aadsts = Aadsts($number);)*
        /// Every code the sim can answer with.
        #[cfg(test)]
        pub const ALL: &[Aadsts] = &[$($name),*];
    };
}

codes! {
    /// InvalidGrant.
    INVALID_GRANT = 70000,
    UNSUPPORTED_GRANT_TYPE = 70003,
    /// ExpiredOrRevokedGrant: an authorization code that expired or was used.
    EXPIRED_OR_REVOKED_GRANT = 70008,
    INVALID_SCOPE = 70011,
    AUTHORIZATION_PENDING = 70016,
    /// BadVerificationCode: no such device code.
    BAD_VERIFICATION_CODE = 70018,
    /// CodeExpired: the device code's 15 minutes are over.
    CODE_EXPIRED = 70019,
    /// UserDeclinedConsent. The list has no code of its own for a declined device-code sign-in;
    /// this is the listed code for a user who said no.
    USER_DECLINED_CONSENT = 65004,
    INVALID_REPLY_TO = 50011,
    /// AuthenticationFailed: among its causes, "Client assertion contains an invalid signature".
    AUTHENTICATION_FAILED = 50012,
    INVALID_JWT_TOKEN = 50027,
    USER_ACCOUNT_NOT_FOUND = 50034,
    /// SubjectMismatchesIssuer in the client assertion.
    SUBJECT_MISMATCHES_ISSUER = 50048,
    /// MissingCodeChallenge.
    MISSING_CODE_CHALLENGE = 50147,
    CODE_VERIFIER_MISMATCH = 501481,
    /// Assertion isn't within its valid time range.
    ASSERTION_OUT_OF_TIME = 500133,
    CLIENT_ASSERTION_SIGNATURE = 700027,
    /// ExpiredOrRevokedGrantInactiveToken: a refresh token that no longer works.
    EXPIRED_REFRESH_TOKEN = 700082,
    /// FreshTokenNeeded: the refresh token was revoked.
    FRESH_TOKEN_NEEDED = 50173,
    UNAUTHORIZED_CLIENT = 700016,
    INVALID_CLIENT_SECRET = 7000215,
    INVALID_TENANT_NAME = 90002,
    MISSING_PARAMETER = 900144,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AADSTS numbers on Microsoft's page (MicrosoftDocs/entra-docs,
    /// docs/identity-platform/reference-error-codes.md), those a sign-in sim could need.
    const PUBLISHED: &[u32] = &[
        50000, 50001, 50003, 50005, 50006, 50008, 50010, 50011, 50012, 50013, 500133, 50014, 50017,
        50020, 50027, 50029, 50032, 50033, 50034, 50048, 50049, 50050, 50053, 50055, 50056, 50057,
        50058, 50059, 50064, 50072, 50074, 50076, 50078, 50079, 50089, 50097, 50105, 50126, 50128,
        50131, 50132, 50133, 50135, 50140, 50147, 501481, 501491, 50155, 50173, 50194, 50196,
        53000, 53003, 54005, 65001, 65002, 65004, 65005, 650052, 650056, 650057, 70000, 70001,
        700011, 70002, 700025, 700027, 70003, 700030, 70004, 70005, 700054, 70007, 70008, 700082,
        70011, 70012, 70016, 70018, 70019, 70043, 90002, 90004, 90014, 900144, 90019, 90023, 90094,
        90100, 90119, 90120, 700016, 700020, 700022, 700023, 7000215, 7000218, 7000222, 700005,
    ];

    #[test]
    fn every_code_the_sim_answers_with_is_on_microsofts_list() {
        for code in ALL {
            assert!(
                PUBLISHED.contains(&code.number()),
                "AADSTS{} is not on Microsoft's list",
                code.number()
            );
        }
        let mut numbers: Vec<u32> = ALL.iter().map(|c| c.number()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        assert_eq!(numbers.len(), ALL.len(), "each code once");
    }

    #[test]
    fn the_device_code_codes_are_the_published_ones() {
        assert_eq!(BAD_VERIFICATION_CODE.number(), 70018);
        assert_eq!(CODE_EXPIRED.number(), 70019);
        assert_eq!(AUTHORIZATION_PENDING.number(), 70016);
    }
}
