//! The two migration folders stay in step.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::Path;

/// The file names in `migrations/{backend}`.
fn names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn the_sqlite_and_postgres_migration_folders_hold_the_same_file_names() {
    let sqlite = names("sqlite");
    let postgres = names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite,
        postgres,
        "only in sqlite: {:?}; only in postgres: {:?}",
        sqlite.difference(&postgres).collect::<Vec<_>>(),
        postgres.difference(&sqlite).collect::<Vec<_>>()
    );
}

#[test]
fn every_migration_has_its_own_version_number() {
    let mut versions = BTreeSet::new();
    for name in names("sqlite") {
        let (version, rest) = name
            .split_once('_')
            .unwrap_or_else(|| panic!("{name} is not VERSION_description.sql"));
        assert!(rest.ends_with(".sql"), "{name} is not an .sql file");
        let version: u64 = version
            .parse()
            .unwrap_or_else(|_| panic!("{name} does not start with a number"));
        assert!(
            versions.insert(version),
            "version {version} is used twice ({name})"
        );
    }
}

#[tokio::test]
async fn migrating_an_already_migrated_database_changes_nothing() {
    for store in crate::support::stores().await {
        store.migrate().await.unwrap();
        store.ping().await.unwrap();
    }
}
