//! An inbox's "Notify users and channels": the list of who hears about its
//! inbound messages, and the defaults for an inbox that never set one.

use domain::{EmailAddress, InboxMember, UserId};
use serde::{Deserialize, Serialize};

use crate::services::ServiceError;

/// One entry of an inbox's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Target {
    /// A member of the inbox, by the medium they chose for inbound messages.
    Member {
        /// The member.
        user_id: UserId,
    },
    /// A Slack channel.
    SlackChannel {
        /// Its id (`C…` public, `G…` private).
        channel_id: String,
        /// Its name as shown in settings.
        name: String,
    },
    /// An email address.
    Email {
        /// The address.
        address: String,
    },
}

/// The targets of an inbox that never chose its own: every member, each by
/// their own preference. (An inbox created while Slack is connected gets
/// its own channel instead, once Slack made it: `slack::inbox_channel`.)
pub fn default_targets(members: &[InboxMember]) -> Vec<Target> {
    members
        .iter()
        .map(|m| Target::Member {
            user_id: m.user_id.clone(),
        })
        .collect()
}

/// The longest list an inbox may keep.
pub const MAX_TARGETS: usize = 100;

/// Checks a list an admin sent against the inbox's members, and returns it
/// normalised (trimmed, addresses as parsed, duplicates refused). Errors
/// name the entry.
pub fn validate(
    targets: Vec<Target>,
    members: &[InboxMember],
) -> Result<Vec<Target>, ServiceError> {
    if targets.len() > MAX_TARGETS {
        return Err(invalid(format!("targets: at most {MAX_TARGETS} entries")));
    }
    let mut out: Vec<Target> = Vec::with_capacity(targets.len());
    for (i, target) in targets.into_iter().enumerate() {
        let target = match target {
            Target::Member { user_id } => {
                if !members.iter().any(|m| m.user_id == user_id) {
                    return Err(invalid(format!(
                        "targets[{i}].user_id: {user_id} is not a member of this inbox"
                    )));
                }
                Target::Member { user_id }
            }
            Target::SlackChannel { channel_id, name } => {
                let channel_id = channel_id.trim().to_string();
                if !is_slack_channel_id(&channel_id) {
                    return Err(invalid(format!(
                        "targets[{i}].channel_id: {:?} is not a Slack channel id (C… or G…, letters and digits)",
                        channel_id.chars().take(40).collect::<String>()
                    )));
                }
                let name = name.trim().trim_start_matches('#').to_string();
                if name.chars().count() > 80 {
                    return Err(invalid(format!(
                        "targets[{i}].name: must be at most 80 characters"
                    )));
                }
                Target::SlackChannel { channel_id, name }
            }
            Target::Email { address } => {
                let parsed = EmailAddress::parse(address.trim()).map_err(|_| {
                    invalid(format!(
                        "targets[{i}].address: {:?} is not an email address",
                        address.chars().take(80).collect::<String>()
                    ))
                })?;
                Target::Email {
                    address: parsed.as_str().to_string(),
                }
            }
        };
        if out.iter().any(|t| same(t, &target)) {
            return Err(invalid(format!("targets[{i}]: listed twice")));
        }
        out.push(target);
    }
    Ok(out)
}

fn same(a: &Target, b: &Target) -> bool {
    match (a, b) {
        (Target::Member { user_id: x }, Target::Member { user_id: y }) => x == y,
        (
            Target::SlackChannel { channel_id: x, .. },
            Target::SlackChannel { channel_id: y, .. },
        ) => x == y,
        (Target::Email { address: x }, Target::Email { address: y }) => x.eq_ignore_ascii_case(y),
        _ => false,
    }
}

/// Slack's conversation ids: `C` (channels) or `G` (private groups), then
/// upper-case letters and digits.
fn is_slack_channel_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('C' | 'G'))
        && (8..=24).contains(&id.len())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn invalid(detail: String) -> ServiceError {
    ServiceError::invalid("validation", detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &UserId) -> InboxMember {
        InboxMember {
            inbox_id: domain::InboxId::generate(),
            user_id: id.clone(),
            position: 0,
            muted: false,
        }
    }

    #[test]
    fn a_valid_list_is_normalised_and_a_bad_entry_is_named() {
        let ana = UserId::generate();
        let members = [member(&ana)];
        let ok = validate(
            vec![
                Target::Member {
                    user_id: ana.clone(),
                },
                Target::SlackChannel {
                    channel_id: " C0123ABCD ".into(),
                    name: "#support".into(),
                },
                Target::Email {
                    address: "team@example.com".into(),
                },
            ],
            &members,
        )
        .unwrap();
        assert_eq!(
            ok[1],
            Target::SlackChannel {
                channel_id: "C0123ABCD".into(),
                name: "support".into()
            }
        );
        let stranger = UserId::generate();
        for (bad, field) in [
            (Target::Member { user_id: stranger }, "targets[0].user_id"),
            (
                Target::SlackChannel {
                    channel_id: "#general".into(),
                    name: String::new(),
                },
                "targets[0].channel_id",
            ),
            (
                Target::Email {
                    address: "not an address".into(),
                },
                "targets[0].address",
            ),
        ] {
            let error = validate(vec![bad], &members).unwrap_err();
            assert!(error.detail().starts_with(field), "{}", error.detail());
        }
        let twice = vec![
            Target::Member {
                user_id: ana.clone()
            };
            2
        ];
        assert!(validate(twice, &members).is_err());
    }
}
