//! Password hashing with Argon2id, run on the blocking pool so a burst of logins does not
//! stall the async workers.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

use crate::{AuthError, InternalError};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 8;
/// The longest password accepted (bounds hashing work per request).
pub const MAX_PASSWORD_LEN: usize = 1024;

/// Rejects passwords that are too short or too long, with a message saying so.
pub fn check_policy(password: &str) -> Result<(), AuthError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(AuthError::Invalid(format!(
            "The password needs at least {MIN_PASSWORD_LEN} characters."
        )));
    }
    if password.len() > MAX_PASSWORD_LEN {
        return Err(AuthError::Invalid(format!(
            "The password may have at most {MAX_PASSWORD_LEN} bytes."
        )));
    }
    Ok(())
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, AuthError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AuthError::Internal(InternalError::Hash(e.to_string())))
    })
    .await
    .map_err(|e| AuthError::Internal(InternalError::Hash(e.to_string())))?
}

/// Checks a password against a PHC string. With no stored hash it still does the work of
/// one verification, so response time does not reveal whether an account exists.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AuthError> {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match stored {
            Some(stored) => {
                let parsed = PasswordHash::new(&stored)
                    .map_err(|e| AuthError::Internal(InternalError::Hash(e.to_string())))?;
                Ok(argon.verify_password(password.as_bytes(), &parsed).is_ok())
            }
            None => {
                let salt = SaltString::generate(&mut OsRng);
                let _ = argon.hash_password(password.as_bytes(), &salt);
                Ok(false)
            }
        }
    })
    .await
    .map_err(|e| AuthError::Internal(InternalError::Hash(e.to_string())))?
}
