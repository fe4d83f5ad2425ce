//! The names of the fleet's keys in Redis.
//!
//! Every key is `<prefix>:{<fleet>}:…`: the part in braces is a Redis
//! Cluster hash tag, so all the keys of a fleet live in one slot and a
//! script may touch several of them at once. A token never appears: its
//! buckets are named by a keyed hash of it (HMAC-SHA-256, truncated to 128
//! bits), whose key is the deployment's secret when one is given, else
//! derived from the prefix and fleet names. With a secret, someone who can
//! read Redis cannot even check a guessed token against the names; without
//! one, the names still reveal nothing of a token, whose signature alone
//! is far beyond guessing.

use sha2::{Digest, Sha256};

use super::super::buckets::{BucketName, Counted};
use crate::groups;

/// The names of one fleet's keys.
#[derive(Clone)]
pub(crate) struct Keys {
    /// `<prefix>:{<fleet>}`.
    base: String,
    /// The HMAC key.
    hmac_key: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The HMAC key is a secret.
        f.debug_struct("Keys").field("base", &self.base).finish()
    }
}

impl Keys {
    /// The keys of `fleet` under `prefix`, tokens hashed with `secret`
    /// (or a key derived from the names without one: the platform's `namespace`, the
    /// prefix and the fleet).
    pub(crate) fn new(namespace: &str, prefix: &str, fleet: &str, secret: Option<&[u8]>) -> Keys {
        let base = format!("{prefix}:{{{fleet}}}");
        let hmac_key = match secret {
            Some(secret) => Sha256::digest(secret).into(),
            // For API Entreprise, `api-entreprise throttle key for …`, as before the
            // platform was a value: a fleet of old and new processes shares its buckets.
            None => Sha256::digest(format!("{namespace} throttle key for {base}")).into(),
        };
        Keys { base, hmac_key }
    }

    /// The name of a token's buckets: hex of its truncated HMAC.
    pub(crate) fn token_name(&self, token: &str) -> String {
        let mac = hmac_sha256(&self.hmac_key, token.as_bytes());
        mac[..16].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The key of one bucket.
    pub(crate) fn bucket(&self, counted: &Counted) -> String {
        let name = match counted.key.name {
            // The first limit's key is `ip`, as before the IP had several.
            BucketName::Ip { index } => {
                return format!("{}:{}", self.base, groups::bucket_label("ip", index))
            }
            BucketName::Operation(op) => op.to_owned(),
            // The first limit's key is the group's name, as before groups had several.
            BucketName::Group { group, index } => groups::bucket_label(group, index),
        };
        let token = counted.shared_name.as_deref().unwrap_or("-");
        format!("{}:t:{token}:{name}", self.base)
    }

    /// Holds the current epoch: a value that changes when Redis lost the
    /// fleet's state.
    pub(crate) fn epoch(&self) -> String {
        format!("{}:epoch", self.base)
    }

    /// Until when the whole fleet holds back after Redis lost its state.
    pub(crate) fn hold(&self) -> String {
        format!("{}:hold", self.base)
    }

    /// The fleet's processes and their leases (a sorted set).
    pub(crate) fn members(&self) -> String {
        format!("{}:members", self.base)
    }

    /// The fleet's ban breaker (a hash).
    pub(crate) fn breaker(&self) -> String {
        format!("{}:breaker", self.base)
    }

    /// The channel on which a change that may let waiters go is announced.
    pub(crate) fn channel(&self) -> String {
        format!("{}:changed", self.base)
    }
}

/// HMAC-SHA-256 (RFC 2104) with a 32-byte key.
fn hmac_sha256(key: &[u8; 32], message: &[u8]) -> [u8; 32] {
    let mut inner_pad = [0x36u8; 64];
    let mut outer_pad = [0x5cu8; 64];
    for (i, b) in key.iter().enumerate() {
        inner_pad[i] ^= b;
        outer_pad[i] ^= b;
    }
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_2_shape() {
        // RFC 4231 test case 2 uses the 4-byte key "Jefe"; with a 32-byte
        // key padded with zeros, HMAC is the same by definition.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = hmac_sha256(&key, b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn names_depend_on_the_secret_and_never_contain_the_token() {
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOiJ4In0.c2lnbmF0dXJl";
        let a = Keys::new("test-api", "apie", "fleet", Some(b"secret one"));
        let b = Keys::new("test-api", "apie", "fleet", Some(b"secret two"));
        let derived = Keys::new("test-api", "apie", "fleet", None);
        assert_ne!(a.token_name(token), b.token_name(token));
        assert_ne!(a.token_name(token), derived.token_name(token));
        assert_eq!(a.token_name(token), a.token_name(token));
        assert_eq!(a.token_name(token).len(), 32);
        assert!(!a.token_name(token).contains("eyJ"));
        assert_eq!(a.epoch(), "apie:{fleet}:epoch");
    }
}
