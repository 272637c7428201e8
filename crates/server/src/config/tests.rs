//! One test per layer, plus unknown keys and redaction. `figment::Jail` gives each
//! test its own working directory and environment, restored afterwards.

// Jail's closures must return figment's own (large) error type.
#![allow(clippy::result_large_err)]

use super::*;

fn load(config_file: Option<&Path>, overrides: &Overrides) -> figment::error::Result<Settings> {
    Settings::load(config_file, overrides).map_err(|e| figment::Error::from(chain(&e)))
}

fn load_err(config_file: Option<&Path>, overrides: &Overrides) -> String {
    match Settings::load(config_file, overrides) {
        Ok(settings) => panic!("expected an error, got {settings:?}"),
        Err(error) => chain(&error),
    }
}

/// The error and its causes, as the CLI prints them.
fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        next = cause.source();
    }
    out
}

#[test]
fn with_no_file_no_env_and_no_flags_the_defaults_apply() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        let settings = load(None, &Overrides::default())?;
        assert_eq!(settings, Settings::default());
        assert_eq!(settings.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.database_url.expose(), "sqlite://switchboard.db");
        assert_eq!(settings.public_url, "http://127.0.0.1:8080");
        assert_eq!(settings.log, "info");
        assert_eq!(settings.default_region, "US");
        assert_eq!(settings.auto_close_after_secs, 345_600);
        assert_eq!(settings.max_body_bytes, 1_048_576);
        Ok(())
    });
}

#[test]
fn the_default_file_in_the_working_directory_overrides_the_defaults() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file(
            "switchboard.toml",
            r#"
                listen = "0.0.0.0:9000"
                database_url = "postgres://postgres@127.0.0.1:5432/sb"
                auto_close_after_secs = 60
            "#,
        )?;
        let settings = load(None, &Overrides::default())?;
        assert_eq!(settings.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(
            settings.database_url.expose(),
            "postgres://postgres@127.0.0.1:5432/sb"
        );
        assert_eq!(settings.auto_close_after_secs, 60);
        assert_eq!(settings.public_url, "http://0.0.0.0:9000");
        assert_eq!(settings.log, "info");
        Ok(())
    });
}

#[test]
fn an_explicit_config_file_is_read_instead_of_the_default_one() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file("switchboard.toml", r#"log = "warn""#)?;
        jail.create_file("other.toml", r#"log = "debug""#)?;
        let settings = load(Some(Path::new("other.toml")), &Overrides::default())?;
        assert_eq!(settings.log, "debug");
        Ok(())
    });
}

#[test]
fn an_explicit_config_file_that_does_not_exist_is_an_error() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        let message = load_err(Some(Path::new("missing.toml")), &Overrides::default());
        assert!(message.contains("missing.toml"), "{message}");
        Ok(())
    });
}

#[test]
fn environment_variables_override_the_file() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file(
            "switchboard.toml",
            "listen = \"0.0.0.0:9000\"\nmax_body_bytes = 2048",
        )?;
        jail.set_env("SWITCHBOARD_LISTEN", "127.0.0.1:7000");
        jail.set_env("SWITCHBOARD_DATABASE_URL", "sqlite:///tmp/x.db");
        jail.set_env("SWITCHBOARD_PUBLIC_URL", "https://inbox.example.com");
        jail.set_env("SWITCHBOARD_DEFAULT_REGION", "GB");
        let settings = load(None, &Overrides::default())?;
        assert_eq!(settings.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(settings.database_url.expose(), "sqlite:///tmp/x.db");
        assert_eq!(settings.public_url, "https://inbox.example.com");
        assert_eq!(settings.default_region, "GB");
        assert_eq!(settings.max_body_bytes, 2048);
        Ok(())
    });
}

#[test]
fn flags_override_environment_variables_and_the_file() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file("switchboard.toml", "listen = \"0.0.0.0:9000\"")?;
        jail.set_env("SWITCHBOARD_LISTEN", "127.0.0.1:7000");
        jail.set_env("SWITCHBOARD_DATABASE_URL", "sqlite://env.db");
        let overrides = Overrides {
            listen: Some("127.0.0.1:6000".parse().unwrap()),
            database_url: Some("sqlite://flag.db".into()),
        };
        let settings = load(None, &overrides)?;
        assert_eq!(settings.listen.to_string(), "127.0.0.1:6000");
        assert_eq!(settings.database_url.expose(), "sqlite://flag.db");
        assert_eq!(settings.public_url, "http://127.0.0.1:6000");
        Ok(())
    });
}

#[test]
fn an_unknown_key_in_the_file_is_an_error_that_names_it() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.create_file("switchboard.toml", "lisen = \"0.0.0.0:9000\"")?;
        let message = load_err(None, &Overrides::default());
        assert!(message.contains("lisen"), "{message}");
        Ok(())
    });
}

#[test]
fn an_unknown_switchboard_environment_variable_is_an_error_that_names_it() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env("SWITCHBOARD_LISTN", "127.0.0.1:7000");
        let message = load_err(None, &Overrides::default());
        assert!(message.to_lowercase().contains("listn"), "{message}");
        Ok(())
    });
}

#[test]
fn the_config_path_and_test_database_variables_are_not_taken_for_keys() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env("SWITCHBOARD_CONFIG", "elsewhere.toml");
        jail.set_env("SWITCHBOARD_TEST_POSTGRES_URL", "postgres://x@y/postgres");
        load(None, &Overrides::default())?;
        Ok(())
    });
}

#[test]
fn a_value_of_the_wrong_type_is_an_error_that_names_the_key() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env("SWITCHBOARD_MAX_BODY_BYTES", "lots");
        let message = load_err(None, &Overrides::default());
        assert!(
            message.to_lowercase().contains("max_body_bytes"),
            "{message}"
        );
        Ok(())
    });
}

#[test]
fn values_that_break_a_rule_are_refused_with_the_key() {
    for (key, value) in [
        ("SWITCHBOARD_DEFAULT_REGION", "usa"),
        ("SWITCHBOARD_PUBLIC_URL", "inbox.example.com"),
        ("SWITCHBOARD_LOG", "info,[bad"),
        ("SWITCHBOARD_MAX_BODY_BYTES", "10"),
        ("SWITCHBOARD_AUTO_CLOSE_AFTER_SECS", "59"),
        ("SWITCHBOARD_AUTO_CLOSE_AFTER_SECS", "99999999999"),
        ("SWITCHBOARD_SMTP_URL", "mail.example.com:25"),
        ("SWITCHBOARD_SMTP_URL", "smtp://"),
        ("SWITCHBOARD_MAIL_FROM", "not an address"),
    ] {
        figment::Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env(key, value);
            let message = load_err(None, &Overrides::default());
            let field = key.trim_start_matches("SWITCHBOARD_").to_lowercase();
            assert!(message.contains(&field), "{key}: {message}");
            Ok(())
        });
    }
}

#[test]
fn the_database_password_is_redacted_in_debug_and_in_print_config() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env(
            "SWITCHBOARD_DATABASE_URL",
            "postgres://app:hunter2@db.internal/sb",
        );
        let settings = load(None, &Overrides::default())?;
        assert_eq!(
            settings.database_url.expose(),
            "postgres://app:hunter2@db.internal/sb"
        );
        assert!(!format!("{settings:?}").contains("hunter2"));
        let printed = settings.to_redacted_toml().unwrap();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(
            printed.contains("database_url = \"postgres://app:***@db.internal/sb\""),
            "{printed}"
        );
        Ok(())
    });
}

#[test]
fn the_smtp_password_is_never_printed() {
    figment::Jail::expect_with(|jail| {
        jail.clear_env();
        jail.set_env(
            "SWITCHBOARD_SMTP_URL",
            "smtps://app:hunter2@mail.example.com:465",
        );
        jail.set_env("SWITCHBOARD_MAIL_FROM", "Acme <support@acme.test>");
        let settings = load(None, &Overrides::default())?;
        assert!(!format!("{settings:?}").contains("hunter2"));
        let printed = settings.to_redacted_toml().unwrap();
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(
            printed.contains("mail_from = \"Acme <support@acme.test>\""),
            "{printed}"
        );
        Ok(())
    });
}
