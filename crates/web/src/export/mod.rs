//! A client's data export as one archive: `export.json` (the document
//! `docs/export-schema.md` describes), `summary.html` (the same, for a person to read in
//! any browser, without script) and the photos under `photos/`. The back office's download
//! and `collagen client export` both make it here.

mod summary;

use std::io::Write as _;

use service::{ClientExport, Refusal, Workflows};
use zip::write::SimpleFileOptions;

/// The archive's file name for a client's export made at `now`.
pub fn archive_name(now: jiff::Timestamp) -> String {
    format!("client-export-{}.zip", now.strftime("%Y%m%d-%H%M%S"))
}

/// Exports the client with this e-mail as a zip archive, as of `now`.
pub async fn client_archive(
    flows: &Workflows,
    email: &str,
    now: jiff::Timestamp,
) -> Result<Vec<u8>, Refusal> {
    let export = flows.client_export(email, now).await?;
    pack(&export).map_err(|e| Refusal::Internal(format!("packing the export: {e}")))
}

/// Packs an export: JSON and summary compressed, photos (already compressed) stored.
pub fn pack(export: &ClientExport) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let text = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .unix_permissions(0o600);
    let json = serde_json::to_vec_pretty(&export.json).map_err(std::io::Error::other)?;
    zip.start_file("export.json", text)?;
    zip.write_all(&json)?;
    zip.start_file("summary.html", text)?;
    zip.write_all(summary::render(&export.json).into_string().as_bytes())?;
    for photo in &export.photos {
        zip.start_file(photo.path.as_str(), stored)?;
        zip.write_all(&photo.bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
