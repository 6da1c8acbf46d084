//! The command line as an owner uses it: loading clinic files, good and broken.

use std::process::Command;

const EXAMPLE: &str = include_str!("../../clinic/data/demo.toml");

fn collagen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_collagen"))
        .args(args)
        .output()
        .expect("run collagen")
}

/// The stored setup, read back through the store.
fn stored_setup(data_dir: &std::path::Path) -> Option<clinic::ClinicSetup> {
    let url = format!("sqlite://{}", data_dir.join("collagen.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::Store::connect(&url).await.unwrap();
        let setup = store.load_setup().await.unwrap().map(|(s, _)| s);
        store.close().await;
        setup
    })
}

#[test]
fn a_broken_clinic_file_names_file_line_and_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let good = dir.path().join("clinic.toml");
    std::fs::write(&good, EXAMPLE).unwrap();
    let out = collagen(&[
        "setup",
        good.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = stored_setup(&data).expect("the good file was stored");
    assert_eq!(before.clinic.name, "Northside Skin Clinic");

    let broken = dir.path().join("broken.toml");
    let broken_text = EXAMPLE
        .replace(r#"tue = ["09:00-17:00"]"#, r#"tue = ["9 till 5"]"#)
        .replace("Northside Skin Clinic", "Renamed Clinic");
    let bad_line = 1 + broken_text
        .lines()
        .position(|l| l.contains("9 till 5"))
        .expect("the example has Tuesday hours");
    std::fs::write(&broken, broken_text).unwrap();
    let out = collagen(&[
        "setup",
        broken.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
    ]);
    assert!(!out.status.success(), "a broken file must fail");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "broken.toml, line {bad_line}: practitioners[0].hours.tue[0]"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("9 till 5"), "{stderr}");
    assert_eq!(
        stored_setup(&data).as_ref(),
        Some(&before),
        "the database is as it was"
    );

    let zone = dir.path().join("zone.toml");
    std::fs::write(&zone, EXAMPLE.replace("America/New_York", "Nowhere/City")).unwrap();
    let out = collagen(&[
        "serve",
        "--clinic",
        zone.to_str().unwrap(),
        "--data-dir",
        data.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
    ]);
    assert!(
        !out.status.success(),
        "serve refuses to start on a broken file"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("zone.toml, line 7: clinic.timezone"));
    assert_eq!(stored_setup(&data).as_ref(), Some(&before));
}

#[test]
fn staff_add_refuses_weak_passwords_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_collagen"))
        .args([
            "staff",
            "add",
            "owner@clinic.example",
            "--role",
            "admin",
            "--data-dir",
            data.to_str().unwrap(),
        ])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"password12345\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("breached"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs `collagen ARGS` with `stdin` piped in.
fn collagen_with_input(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_collagen"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn staff_token_prints_a_token_stored_hashed_and_revoke_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let out = collagen_with_input(
        &[
            "staff",
            "add",
            "desk@clinic.example",
            "--role",
            "front-desk",
            "--data-dir",
            data,
        ],
        "ochre lantern drifts slowly 47\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token_of = |label: &str| {
        let out = collagen(&[
            "staff",
            "token",
            "desk@clinic.example",
            "--label",
            label,
            "--data-dir",
            data,
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    let first = token_of("front desk tablet");
    let second = token_of("reports");
    assert_eq!(first.len(), 43, "{first}");
    assert_ne!(first, second);

    let url = format!("sqlite://{}", dir.path().join("data/collagen.db").display());
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (owner, labels, stored_plain) = rt.block_on(async {
        let store = store::Store::connect(&url).await.unwrap();
        let owner = store
            .staff_for_token(&store::hash_token(&first))
            .await
            .unwrap();
        let labels: Vec<String> = store
            .staff_tokens(None)
            .await
            .unwrap()
            .into_iter()
            .map(|t| t.label)
            .collect();
        let plain = store.staff_for_token(&first).await.unwrap();
        store.close().await;
        (owner, labels, plain)
    });
    assert_eq!(
        owner.expect("the token names its login").0.email,
        "desk@clinic.example"
    );
    assert!(
        labels.contains(&"front desk tablet".to_owned()) && labels.contains(&"reports".to_owned()),
        "{labels:?}"
    );
    assert!(
        stored_plain.is_none(),
        "the token itself is not what is stored"
    );

    let out = collagen(&[
        "staff",
        "token",
        "--revoke",
        "desk@clinic.example",
        "--data-dir",
        data,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("revoked 2"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let left = rt.block_on(async {
        let store = store::Store::connect(&url).await.unwrap();
        let left = store
            .staff_for_token(&store::hash_token(&second))
            .await
            .unwrap();
        store.close().await;
        left
    });
    assert!(left.is_none(), "a revoked token still works");

    let out = collagen(&[
        "staff",
        "token",
        "nobody@clinic.example",
        "--data-dir",
        data,
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no staff login"));
}

/// What the database holds about clients: (name, e-mail) of each, and how many erasures.
fn clients_and_erasures(url: &str) -> (Vec<(String, String)>, i64) {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        let clients = sqlx::query_as("SELECT name, email FROM clients ORDER BY email")
            .fetch_all(&pool)
            .await
            .unwrap();
        let (erasures,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM erasures")
            .fetch_one(&pool)
            .await
            .unwrap();
        pool.close().await;
        (clients, erasures)
    })
}

#[test]
fn client_export_and_erase_name_the_client_and_refuse_an_unknown_one() {
    const NAME: &str = "Perpetua Lindqvist";
    const EMAIL: &str = "perpetua.l@example.org";
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data_arg = data.to_str().unwrap();
    let file = dir.path().join("clinic.toml");
    std::fs::write(&file, EXAMPLE).unwrap();
    let out = collagen(&["setup", file.to_str().unwrap(), "--data-dir", data_arg]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A treatment a month ago, written through the store as the clinic would have.
    let url = format!("sqlite://{}", data.join("collagen.db").display());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = store::Store::connect(&url).await.unwrap();
        let start = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(24 * 30);
        let end = start + jiff::SignedDuration::from_mins(90);
        let new = store::NewBooking {
            reference: store::new_reference(),
            manage_token_hash: store::new_token().1,
            service_id: "microneedling-face".into(),
            client: store::NewClient {
                name: NAME.into(),
                email: EMAIL.into(),
                phone: Some("+1 555 0177 3312".into()),
            },
            status: store::BookingStatus::Completed,
            screening_id: None,
            notes: String::new(),
            created_by: "desk".into(),
            policy: None,
        };
        store
            .create_booking::<()>(
                &new,
                (start, end),
                move |_| {
                    Ok(store::Placement {
                        practitioner_id: "maya-lee".into(),
                        room_id: "room-1".into(),
                        start,
                        end,
                        holds: vec![],
                    })
                },
                |_| vec![],
            )
            .await
            .expect("booked");
        store.close().await;
    });
    let before = clients_and_erasures(&url);
    assert_eq!(before.0, [(NAME.to_owned(), EMAIL.to_owned())]);

    // An unknown client: a clear error, a failing exit, no file and nothing changed.
    let archive = dir.path().join("export.zip");
    let archive_arg = archive.to_str().unwrap();
    let unknown = "nobody@example.org";
    for args in [
        vec![
            "client",
            "export",
            unknown,
            "--out",
            archive_arg,
            "--data-dir",
            data_arg,
        ],
        vec!["client", "erase", unknown, "--yes", "--data-dir", data_arg],
    ] {
        let out = collagen(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(
            stderr.contains("no client has the e-mail address \"nobody@example.org\""),
            "{args:?}: {stderr}"
        );
    }
    assert!(
        !archive.exists(),
        "an archive was written for an unknown client"
    );
    let out = collagen(&["client", "erase", EMAIL, "--data-dir", data_arg]);
    assert!(!out.status.success(), "an erasure without --yes went ahead");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(
        clients_and_erasures(&url),
        before,
        "a refused command changed the database"
    );

    // The export: an archive whose export.json names the client, never over another file.
    let out = collagen(&[
        "client",
        "export",
        EMAIL,
        "--out",
        archive_arg,
        "--data-dir",
        data_arg,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).expect("a zip");
    let doc: serde_json::Value =
        serde_json::from_reader(zip.by_name("export.json").expect("export.json")).unwrap();
    assert_eq!(doc["client"]["name"], NAME);
    assert_eq!(doc["client"]["email"], EMAIL);
    assert_eq!(doc["bookings"][0]["status"], "completed", "{doc}");
    assert!(
        doc["audit"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "export" && e["actor"] == "system"),
        "{doc}"
    );
    assert!(zip.by_name("summary.html").is_ok());
    let written = std::fs::read(&archive).unwrap();
    let out = collagen(&[
        "client",
        "export",
        EMAIL,
        "--out",
        archive_arg,
        "--data-dir",
        data_arg,
    ]);
    assert!(!out.status.success(), "an export overwrote a file");
    assert_eq!(std::fs::read(&archive).unwrap(), written);

    // The erasure: contact details go, the treatment's booking is kept until its end.
    let out = collagen(&["client", "erase", EMAIL, "--yes", "--data-dir", data_arg]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("erased;"), "{stdout}");
    assert!(stdout.contains("kept until"), "{stdout}");
    assert!(stdout.contains("1 booking(s)"), "{stdout}");
    let (clients, erasures) = clients_and_erasures(&url);
    assert_eq!(erasures, 1);
    assert_eq!(clients.len(), 1, "the client row stays for the kept record");
    assert_ne!(clients[0].0, NAME);
    assert_ne!(clients[0].1, EMAIL);
    let out = collagen(&["client", "erase", EMAIL, "--yes", "--data-dir", data_arg]);
    assert!(
        !out.status.success(),
        "the e-mail still finds a client after erasure"
    );
}

/// Starts `collagen serve` on `data` with `env`, and answers once it serves (killing it)
/// or exits (with its standard error).
fn serve_once(data: &std::path::Path, env: &[(&str, &str)]) -> (bool, String) {
    let log = data.with_extension("log");
    let mut command = Command::new(env!("CARGO_BIN_EXE_collagen"));
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data)
        .env_remove("COLLAGEN_SECRET_KEY")
        .env_remove("DATABASE_URL")
        .env_remove("COLLAGEN_CLINIC")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command.spawn().unwrap();
    let started = std::time::Instant::now();
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("serving") {
            child.kill().unwrap();
            child.wait().unwrap();
            return (true, text);
        }
        if child.try_wait().unwrap().is_some() {
            return (false, std::fs::read_to_string(&log).unwrap_or_default());
        }
        assert!(
            started.elapsed().as_secs() < 60,
            "serve neither served nor stopped:\n{text}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn serve_keeps_its_secret_key_private_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (served, log) = serve_once(&data, &[]);
    assert!(served, "{log}");
    let key_file = data.join("secret.key");
    let key = std::fs::read_to_string(&key_file).expect("a key file on first start");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key file mode {mode:o}");
    }

    let (served, log) = serve_once(&data, &[]);
    assert!(served, "{log}");
    assert_eq!(
        std::fs::read_to_string(&key_file).unwrap(),
        key,
        "the key changed"
    );
    let (served, log) = serve_once(&data, &[("COLLAGEN_SECRET_KEY", key.trim())]);
    assert!(served, "the same key from the environment: {log}");

    let other = "a5".repeat(32);
    let (served, log) = serve_once(&data, &[("COLLAGEN_SECRET_KEY", &other)]);
    assert!(!served, "served with another key");
    assert!(
        log.contains(
            "COLLAGEN_SECRET_KEY is not the key this database's two-factor secrets were sealed with"
        ),
        "{log}"
    );
    let (served, log) = serve_once(&data, &[("COLLAGEN_SECRET_KEY", "short")]);
    assert!(!served);
    assert!(log.contains("reading COLLAGEN_SECRET_KEY"), "{log}");
}
