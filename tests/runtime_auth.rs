//! Token expiry is checked locally: an expired token is refused before any
//! request, and its claims (expiry, scopes) can be read without a call.

mod support;

use std::time::{Duration, SystemTime};

use api_entreprise::runtime::{Error, Token, ValidationError};
use api_entreprise::Client;
use support::jwt::jwt_expiring_in;

#[test]
fn expired_token_is_refused_when_building_the_client() {
    let err = Client::builder()
        .token(Token::new(jwt_expiring_in(-3600, "sig")))
        .build()
        .expect_err("expired");
    match &err {
        Error::Validation(ValidationError::TokenExpired { expired_at, .. }) => {
            assert!(expired_at.starts_with("20"), "{expired_at}");
        }
        other => panic!("expected TokenExpired, got {other:?}"),
    }
    assert!(err.to_string().contains("renew it"), "{err}");
}

#[test]
fn token_expiring_soon_or_later_is_accepted_and_its_claims_are_readable() {
    for days in [1, 10, 400] {
        let client = Client::builder()
            .token(Token::new(jwt_expiring_in(days * 24 * 3600, "sig")))
            .build()
            .unwrap_or_else(|e| panic!("{days} days left: {e}"));
        let claims = client.token_claims().expect("a JWT");
        assert_eq!(claims.scopes, ["entreprises", "open_data"]);
        let left = claims
            .expires_at()
            .unwrap()
            .duration_since(SystemTime::now())
            .unwrap();
        assert!(left > Duration::from_secs((days as u64) * 24 * 3600 - 60));
    }
}

#[test]
fn a_token_that_is_not_a_jwt_has_no_claims_but_is_not_refused() {
    // Mock servers and proxies may use opaque tokens; the server decides.
    let client = Client::builder()
        .token(Token::new("opaque-token".into()))
        .build()
        .unwrap();
    assert_eq!(client.token_claims(), None);
}

#[test]
fn the_public_staging_token_is_readable_and_valid() {
    let path = apie_shared_data::shared_or_return!("staging/tokens/default");
    let token = Token::from_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let claims = token.claims().expect("the staging token is a JWT");
    assert!(claims.expires_at().unwrap() > SystemTime::now());
    assert!(claims
        .scopes
        .iter()
        .any(|s| s == "unites_legales_etablissements_insee"));
}
