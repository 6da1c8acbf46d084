//! Recall: which clients and visits a cartridge or product lot touched, as a list, as CSV
//! for a spreadsheet, and a letter to each of those clients through the outbox.

use jiff::Timestamp;
use jiff::civil::Date;
use mail::compose;
use store::{Booking, RecallRow};

use crate::{Refusal, Workflows};

/// A recall search: a lot, and optionally the clinic's local dates it was used between.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecallQuery {
    pub lot: String,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl RecallQuery {
    /// Reads the search as typed; each mistake names its field (`lot`, `from`, `to`).
    pub fn parse(lot: &str, from: &str, to: &str) -> Result<RecallQuery, Refusal> {
        let lot = lot.trim();
        if lot.is_empty() {
            return Err(Refusal::invalid(
                "lot",
                "Enter the lot number to search for.",
            ));
        }
        if lot.chars().any(char::is_control) || lot.chars().count() > super::input::LOT_MAX {
            return Err(Refusal::invalid(
                "lot",
                "A lot number is one line of at most 64 characters, without control characters.",
            ));
        }
        let date = |text: &str, field: &str| -> Result<Option<Date>, Refusal> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            text.parse().map(Some).map_err(|_| {
                Refusal::invalid(field, "Enter the date as YYYY-MM-DD, or leave it empty.")
            })
        };
        let (from, to) = (date(from, "from")?, date(to, "to")?);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(Refusal::invalid(
                "to",
                "The end date is before the start date.",
            ));
        }
        Ok(RecallQuery {
            lot: lot.to_owned(),
            from,
            to,
        })
    }
}

/// One visit a lot touched.
#[derive(Clone, Debug)]
pub struct Recalled {
    pub booking: Booking,
    /// The lot as the record named it.
    pub lot: String,
    /// `cartridge` or `product`.
    pub kind: String,
}

impl Workflows {
    /// Every visit whose record names the lot, oldest first, each with its client.
    pub async fn recall(&self, query: &RecallQuery) -> Result<Vec<Recalled>, Refusal> {
        let clinic = self.clinic();
        let start_of = |d: Date, field: &str| -> Result<Timestamp, Refusal> {
            d.to_zoned_datetime(clinic.timezone.clone())
                .map(|z| z.timestamp())
                .map_err(|_| Refusal::invalid(field, "That date is out of range."))
        };
        let from = query.from.map(|d| start_of(d, "from")).transpose()?;
        let to = match query.to.map(|d| d.tomorrow()) {
            Some(Ok(next)) => start_of(next, "to").ok(),
            // Past the last instant there is: no end.
            Some(Err(_)) | None => None,
        };
        let rows = self.store.recall(&query.lot, from, to).await?;
        Ok(rows
            .into_iter()
            .map(|RecallRow { booking, lot, kind }| Recalled { booking, lot, kind })
            .collect())
    }

    /// Queues a letter about the lot to each client it touched (once per client, about
    /// their latest visit with it), with the clinic's `message`; answers how many.
    pub async fn write_to_recalled(
        &self,
        query: &RecallQuery,
        message: &str,
    ) -> Result<usize, Refusal> {
        let Some(message) = super::text::free_text(Some(message), "message")? else {
            return Err(Refusal::invalid(
                "message",
                "Write what the clients should know.",
            ));
        };
        let clinic = self.clinic();
        let found = self.recall(query).await?;
        let mut latest: Vec<&Recalled> = Vec::new();
        for r in found.iter().rev() {
            if !latest
                .iter()
                .any(|l| l.booking.client.id == r.booking.client.id)
            {
                latest.push(r);
            }
        }
        let mails: Vec<(String, store::Mail)> = latest
            .iter()
            .map(|r| {
                (
                    r.booking.id.clone(),
                    compose::recall(&clinic, &r.booking, &r.lot, &message),
                )
            })
            .collect();
        self.store.queue_recall_mail(&mails).await?;
        Ok(mails.len())
    }
}

/// A recall list as CSV: every field quoted, and a field that a spreadsheet would read as a
/// formula (starting `=`, `+`, `-`, `@`, tab or carriage return) prefixed with `'`.
pub fn recall_csv(clinic: &clinic::ClinicSnapshot, rows: &[Recalled]) -> String {
    let mut out = String::from(
        "client_id,client_name,client_email,client_phone,booking_id,reference,treated_at,lot,kind\r\n",
    );
    for r in rows {
        let b = &r.booking;
        let fields = [
            b.client.id.as_str(),
            b.client.name.as_str(),
            b.client.email.as_str(),
            b.client.phone.as_deref().unwrap_or(""),
            b.id.as_str(),
            b.reference.as_str(),
            &clinic::rfc3339(&b.start.to_zoned_datetime(clinic.timezone.clone())),
            r.lot.as_str(),
            r.kind.as_str(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field, quoted, with quotes doubled and formulas neutralised.
pub fn csv_field(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(csv_field("plain"), "\"plain\"");
        assert_eq!(csv_field("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for lead in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_field(lead).starts_with("\"'"), "{lead}");
        }
        assert_eq!(csv_field("a\nb"), "\"a\nb\"");
    }

    #[test]
    fn a_search_names_its_field() {
        let field = |r: Result<RecallQuery, Refusal>| r.unwrap_err().field().map(str::to_owned);
        assert_eq!(
            field(RecallQuery::parse(" ", "", "")).as_deref(),
            Some("lot")
        );
        assert_eq!(
            field(RecallQuery::parse("A\u{0}B", "", "")).as_deref(),
            Some("lot")
        );
        assert_eq!(
            field(RecallQuery::parse("A1", "2027-13-01", "")).as_deref(),
            Some("from")
        );
        assert_eq!(
            field(RecallQuery::parse("A1", "2027-03-02", "2027-03-01")).as_deref(),
            Some("to")
        );
        let q = RecallQuery::parse(" A1 ", "2027-03-01", "9999-12-31").unwrap();
        assert_eq!(q.lot, "A1");
    }
}
