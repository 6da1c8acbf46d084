//! Removing the outbox folder's copies of messages an erasure deleted from the database.

use std::path::Path;

/// Deletes `DIR/ID.eml` for each id, as the worker wrote them; a file already gone is fine.
/// Answers how many files went.
pub fn remove_written(dir: &Path, ids: &[String]) -> std::io::Result<usize> {
    let mut removed = 0;
    for id in ids {
        // Ids are hex the store made; anything else never named a file here.
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        match std::fs::remove_file(dir.join(format!("{id}.eml"))) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(removed)
}
