//! The key the two-factor secrets are sealed with: `COLLAGEN_SECRET_KEY` when set, else
//! `DATA_DIR/secret.key`, made on the first start that needs one (readable by its owner
//! only). Every `serve` process on one database needs the same key, and a restore on
//! another machine needs the key the backup's secrets were sealed with.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use store::SecretKey;

/// The environment variable that gives the key (64 hex digits or base64 of 32 bytes).
pub const KEY_ENV: &str = "COLLAGEN_SECRET_KEY";
/// The key file's name inside the data folder.
pub const KEY_FILE: &str = "secret.key";

/// Where a key came from, to name it in messages.
#[derive(Clone, Debug)]
pub enum KeySource {
    Env,
    File(PathBuf),
    /// Made just now, in this file.
    NewFile(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Env => write!(f, "{KEY_ENV}"),
            KeySource::File(path) => write!(f, "the key file {}", path.display()),
            KeySource::NewFile(path) => write!(f, "the new key file {}", path.display()),
        }
    }
}

/// The key from the environment or the data folder's key file, without making one.
pub fn find(data_dir: &Path) -> anyhow::Result<Option<(SecretKey, KeySource)>> {
    if let Some(text) = std::env::var_os(KEY_ENV).filter(|t| !t.is_empty()) {
        let key = SecretKey::parse(&text.to_string_lossy())
            .with_context(|| format!("reading {KEY_ENV}"))?;
        return Ok(Some((key, KeySource::Env)));
    }
    let path = data_dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            warn_if_readable_by_others(&path);
            let key =
                SecretKey::parse(&text).with_context(|| format!("reading {}", path.display()))?;
            Ok(Some((key, KeySource::File(path))))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
    }
}

/// The key as [`find`] finds it, or a new one written to the data folder's key file.
/// Two processes making it at once end with the same file: each writes its own and links
/// it into place, and the one that finds a file there already reads that one.
pub fn find_or_make(data_dir: &Path) -> anyhow::Result<(SecretKey, KeySource)> {
    if let Some(found) = find(data_dir)? {
        return Ok(found);
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating the data folder {}", data_dir.display()))?;
    let path = data_dir.join(KEY_FILE);
    let draft = data_dir.join(format!("{KEY_FILE}.{}.new", std::process::id()));
    let key = SecretKey::generate();
    let written = write_private(&draft, &key.to_text()).and_then(|()| {
        match std::fs::hard_link(&draft, &path) {
            Ok(()) => Ok(true),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(err) => Err(err),
        }
    });
    let _ = std::fs::remove_file(&draft);
    if written.with_context(|| format!("writing the key file {}", path.display()))? {
        return Ok((key, KeySource::NewFile(path)));
    }
    find(data_dir)?.context("the key file another process made could not be read")
}

/// Writes `text` to a new file only its owner may read, and syncs it.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    writeln!(file, "{text}")?;
    file.sync_all()
}

/// A key file others may read is a key others may have.
fn warn_if_readable_by_others(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                file = %path.display(),
                "the secret key file can be read by other users; `chmod 600` it"
            );
        }
    }
}

/// What to tell someone whose key does not open the database's secrets.
pub fn wrong_key_help(source: &KeySource) -> String {
    format!(
        "{source} is not the key this database's two-factor secrets were sealed with. Every \
         `collagen serve` on one database needs the same key: set {KEY_ENV} to the same value \
         for each, or give each the same {KEY_FILE} in its data folder (a restore on another \
         machine needs the key file or {KEY_ENV} from the original). The README's \"Secret \
         key\" says what to do if the key is lost."
    )
}
