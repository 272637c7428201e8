//! The repository stands on its own: a fresh clone with nothing beside it
//! carries its licence and every file its tests read.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if name != "target" && !name.starts_with('.') {
                files_under(&path, found);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "toml" | "sh")
        ) || path.parent().is_some_and(|p| p.ends_with("scripts"))
        {
            found.push(path);
        }
    }
}

#[test]
fn the_repository_carries_the_licence_its_manifest_declares() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(manifest.contains(r#"license = "AGPL-3.0-or-later""#));
    let licence = std::fs::read_to_string(root().join("LICENSE"))
        .expect("a LICENSE file at the repository's root");
    assert!(licence.starts_with("GNU AFFERO GENERAL PUBLIC LICENSE"));
    assert!(licence.contains("Version 3, 19 November 2007"));
    // The whole text, not a summary: its last section and the closing how-to.
    assert!(licence.contains("13. Remote Network Interaction"));
    assert!(licence.contains("17. Interpretation of Sections 15 and 16."));
    assert!(licence.contains("END OF TERMS AND CONDITIONS"));
    assert!(licence.len() > 30_000, "{} bytes", licence.len());
}

#[test]
fn no_test_or_script_reads_outside_the_repository() {
    let mut files = Vec::new();
    files_under(&root().join("crates"), &mut files);
    files_under(&root().join("scripts"), &mut files);
    assert!(files.len() > 50, "found only {} files", files.len());
    // Spelled in two halves so that this file does not find itself.
    let outside = ["../sha", "red"].concat();
    let shared_data = ["shared/", "testdata"].concat();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(
            !text.contains(&outside) && !text.contains(&shared_data),
            "{} reads the shared folder beside the repository",
            file.display()
        );
    }
}

#[test]
fn copied_test_data_keeps_its_licences_and_says_where_it_comes_from() {
    let testdata = root().join("testdata");
    let readme = std::fs::read_to_string(testdata.join("README.md")).unwrap();
    for dir in std::fs::read_dir(&testdata).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let mut has_licence = false;
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            let name = file.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("LICENSE") {
                has_licence = true;
                continue;
            }
            let relative = format!("{}/{name}", dir.file_name().unwrap().to_string_lossy());
            assert!(
                readme.contains(&format!("`{relative}`")),
                "testdata/README.md does not say where {relative} comes from"
            );
        }
        assert!(has_licence, "{} has no upstream licence", dir.display());
    }
}
