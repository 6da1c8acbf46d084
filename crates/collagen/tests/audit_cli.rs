//! `collagen audit verify` as an owner runs it: an intact trail passes, and a row changed
//! behind the database's back (its trigger dropped first) is named, with a failing exit code.

use std::process::Command;

const EXAMPLE: &str = include_str!("../../clinic/data/demo.toml");

fn collagen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_collagen"))
        .args(args)
        .output()
        .expect("run collagen")
}

#[test]
fn verify_passes_an_intact_trail_and_names_a_tampered_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("clinic.toml");
    std::fs::write(&file, EXAMPLE).unwrap();
    let data_arg = data.to_str().unwrap();
    // Each load of the clinic file is a change to the setup: one entry each.
    for _ in 0..3 {
        let out = collagen(&["setup", file.to_str().unwrap(), "--data-dir", data_arg]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = collagen(&["audit", "verify", "--data-dir", data_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("intact: 3 entries"), "{stdout}");

    let url = format!("sqlite://{}", data.join("collagen.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let refused = sqlx::query("UPDATE audit_log SET actor = 'client' WHERE seq = 2")
            .execute(&pool)
            .await;
        assert!(refused.is_err(), "the trigger must refuse the change");
        sqlx::query("DROP TRIGGER audit_log_never_change")
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET actor = 'client' WHERE seq = 2")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let out = collagen(&["audit", "verify", "--data-dir", data_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a tampered trail must fail: {stderr}"
    );
    assert!(stderr.contains("broken at entry 2"), "{stderr}");
    assert!(
        stderr.contains("1 entries before it are intact"),
        "{stderr}"
    );
}
