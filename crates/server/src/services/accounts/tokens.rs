//! Personal API tokens: made for a script or an integration, shown once,
//! presented as `Authorization: Bearer …`, revoked by their owner.

use std::fmt;

use domain::User;
use store::tokens::ApiToken;

use super::checked_name;
use crate::services::state::AppState;
use crate::services::ServiceError;

/// A token just made, with its secret: the only time anyone sees it.
#[derive(Clone)]
pub struct NewToken {
    /// The token as listed later.
    pub token: ApiToken,
    /// The bearer secret (only its hash is stored).
    pub secret: String,
}

impl fmt::Debug for NewToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewToken")
            .field("token", &self.token)
            .field("secret", &"***")
            .finish()
    }
}

/// Makes a token acting as `owner`, named `name` ("Zapier", "nightly export").
#[tracing::instrument(skip_all, fields(user_id = %owner.id), err(level = "debug"))]
pub async fn create(state: &AppState, owner: &User, name: &str) -> Result<NewToken, ServiceError> {
    let name = checked_name("name", name)?;
    let mut tx = state.store.begin().await?;
    let (token, secret) =
        store::tokens::create(&mut tx, &owner.id, &name, state.clock.now()).await?;
    tx.commit().await?;
    Ok(NewToken { token, secret })
}

/// `owner`'s tokens, oldest first, without their secrets.
#[tracing::instrument(skip_all, fields(user_id = %owner.id), err(level = "debug"))]
pub async fn list(state: &AppState, owner: &User) -> Result<Vec<ApiToken>, ServiceError> {
    let mut reader = state.store.read().await?;
    Ok(store::tokens::for_user(&mut reader.conn(), &owner.id).await?)
}

/// Revokes one of `owner`'s tokens. Someone else's token is "not found":
/// its owner's tokens are none of the caller's business.
#[tracing::instrument(skip_all, fields(user_id = %owner.id, token_id = %id), err(level = "debug"))]
pub async fn revoke(state: &AppState, owner: &User, id: &str) -> Result<(), ServiceError> {
    let mut tx = state.store.begin().await?;
    let deleted = store::tokens::delete(&mut tx, &owner.id, id).await?;
    tx.commit().await?;
    if deleted {
        Ok(())
    } else {
        Err(ServiceError::not_found("no such token"))
    }
}
