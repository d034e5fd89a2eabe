//! Checks on uploaded files (POA and KYC documents), by their content.

use crate::{Error, Result};

/// Largest file the API accepts in one upload part: 5 MB (5 × 1024 × 1024 bytes).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;

/// Most files in one proof-of-address (POA) upload.
pub const MAX_POA_FILES: usize = 3;

/// Most files in one KYC document upload (front, back, selfie).
pub const MAX_KYC_FILES: usize = 3;

/// Kinds of upload files recognised by magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// JPEG image (`FF D8 FF`).
    Jpeg,
    /// PNG image (`89 50 4E 47 0D 0A 1A 0A`).
    Png,
    /// PDF document (`%PDF-`).
    Pdf,
}

impl FileKind {
    /// The MIME type to declare for the multipart part (`image/jpeg`, `image/png`,
    /// `application/pdf`).
    pub fn mime(&self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Pdf => "application/pdf",
        }
    }

    /// The usual file extension, without the dot (`jpg`, `png`, `pdf`).
    pub fn extension(&self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Pdf => "pdf",
        }
    }
}

const JPEG_MAGIC: &[u8] = &[0xFF, 0xD8, 0xFF];
const PNG_MAGIC: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PDF_MAGIC: &[u8] = b"%PDF-";

/// Recognises a JPEG, PNG or PDF file by its first bytes; `None` for anything else. The file
/// name and any declared type are not looked at.
pub fn sniff(data: &[u8]) -> Option<FileKind> {
    if data.starts_with(JPEG_MAGIC) {
        Some(FileKind::Jpeg)
    } else if data.starts_with(PNG_MAGIC) {
        Some(FileKind::Png)
    } else if data.starts_with(PDF_MAGIC) {
        Some(FileKind::Pdf)
    } else {
        None
    }
}

/// Shared rules of POA and KYC uploads: `1..=max` files, each non-empty, at most
/// [`MAX_UPLOAD_BYTES`], and a JPEG, PNG or PDF by content.
fn upload(field: &str, files: &[(&str, &[u8])], max: usize, what: &str) -> Result<()> {
    if files.is_empty() {
        return Err(Error::validation(
            field,
            format!("at least one {what} file is required (up to {max})"),
        ));
    }
    if files.len() > max {
        return Err(Error::validation(
            field,
            format!("at most {max} {what} files can be sent at once"),
        ));
    }
    for (i, (name, data)) in files.iter().enumerate() {
        // The file name is not echoed: it may carry personal data.
        let at = || format!("{field}[{i}]");
        if name.chars().any(char::is_control) {
            // It goes into the part's Content-Disposition header: a line break would start a
            // header of its own.
            return Err(Error::validation(
                format!("{field}[{i}].fileName"),
                "must not contain control characters (line breaks, tabs, NUL)",
            ));
        }
        if name.contains(['"', '\\']) {
            // Quoted in that header, and each HTTP stack escapes them its own way (npm's
            // `%22`, reqwest's `\"`): the server would get a different name per language.
            return Err(Error::validation(
                format!("{field}[{i}].fileName"),
                "must not contain double quotes or backslashes",
            ));
        }
        if data.is_empty() {
            return Err(Error::validation(at(), "the file is empty"));
        }
        if data.len() > MAX_UPLOAD_BYTES {
            return Err(Error::validation(
                at(),
                format!(
                    "the file is larger than 5 MB ({MAX_UPLOAD_BYTES} bytes); \
                     it has {} bytes",
                    data.len()
                ),
            ));
        }
        if sniff(data).is_none() {
            return Err(Error::validation(
                at(),
                "must be a JPEG, PNG or PDF file (recognised by its content, \
                 not by its name or declared type)",
            ));
        }
    }
    Ok(())
}

/// Checks a proof-of-address upload: 1 to 3 files, each non-empty, at most 5 MB, and each a
/// JPEG, PNG or PDF by its magic bytes (the extension or declared type does not count).
///
/// `files` holds `(file name, bytes)`. A problem with the list is reported on `field` (e.g.
/// `"files"`), a problem with one file on `field[i]` (e.g. `"files[1]"`).
pub fn poa_files(field: &str, files: &[(&str, &[u8])]) -> Result<()> {
    upload(field, files, MAX_POA_FILES, "proof-of-address")
}

/// Checks a KYC document upload with the same rules as [`poa_files`]: 1 to 3 files (front, back,
/// selfie), each non-empty, at most 5 MB, and a JPEG, PNG or PDF by content.
pub fn kyc_files(field: &str, files: &[(&str, &[u8])]) -> Result<()> {
    upload(field, files, MAX_KYC_FILES, "KYC document")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    const PNG: &[u8] = &[
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
    ];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    const PDF: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

    fn assert_err(r: Result<()>, field: &str) -> crate::Error {
        let e = r.expect_err("expected a validation error");
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(e.field(), Some(field));
        assert!(e.to_string().contains(field), "{e} does not name {field}");
        e
    }

    fn padded(magic: &[u8], len: usize) -> Vec<u8> {
        let mut v = magic.to_vec();
        v.resize(len, 0);
        v
    }

    #[test]
    fn sniff_recognises_magic_bytes() {
        assert_eq!(sniff(JPEG), Some(FileKind::Jpeg));
        assert_eq!(sniff(PNG), Some(FileKind::Png));
        assert_eq!(sniff(PDF), Some(FileKind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF]), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"%PDF-"), Some(FileKind::Pdf));
    }

    #[test]
    fn sniff_rejects_other_content() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(&[0xFF, 0xD8]), None);
        assert_eq!(sniff(&PNG[..7]), None);
        assert_eq!(sniff(b"%PDF"), None);
        assert_eq!(sniff(b"hello, this is text"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None);
        assert_eq!(sniff(b" %PDF-1.4"), None);
    }

    #[test]
    fn file_kind_mime_and_extension() {
        assert_eq!(FileKind::Jpeg.mime(), "image/jpeg");
        assert_eq!(FileKind::Png.mime(), "image/png");
        assert_eq!(FileKind::Pdf.mime(), "application/pdf");
        assert_eq!(FileKind::Jpeg.extension(), "jpg");
        assert_eq!(FileKind::Png.extension(), "png");
        assert_eq!(FileKind::Pdf.extension(), "pdf");
    }

    #[test]
    fn poa_accepts_one_to_three_good_files() {
        assert!(poa_files("files", &[("bill.pdf", PDF)]).is_ok());
        assert!(poa_files("files", &[("a.jpg", JPEG), ("b.png", PNG)]).is_ok());
        assert!(poa_files("files", &[("a.jpg", JPEG), ("b.png", PNG), ("c.pdf", PDF)]).is_ok());
        // Exactly 5 MB is allowed.
        let max = padded(PDF, MAX_UPLOAD_BYTES);
        assert!(poa_files("files", &[("big.pdf", &max[..])]).is_ok());
    }

    #[test]
    fn a_file_name_with_a_line_break_is_refused() {
        for name in ["a\r\nContent-Type: text/html.png", "a\u{0}.png", "a\tb.png"] {
            let e = assert_err(
                poa_files("files", &[("ok.png", PNG), (name, PNG)]),
                "files[1].fileName",
            );
            assert!(!e.message().contains("Content-Type"), "{e}");
        }
        for name in ["Invoice \"March\".png", "C:\\scans\\bill.png"] {
            let e = assert_err(poa_files("files", &[(name, PNG)]), "files[0].fileName");
            assert!(e.message().contains("double quotes"), "{e}");
        }
        assert!(poa_files("files", &[("Rachunek za prąd, styczeń.pdf", PDF)]).is_ok());
    }

    #[test]
    fn poa_judges_by_content_not_name() {
        // A PNG named .pdf is still a PNG, and accepted.
        assert!(poa_files("files", &[("scan.pdf", PNG)]).is_ok());
        assert_eq!(sniff(PNG), Some(FileKind::Png));
        // A text file named .jpg is refused.
        let e = assert_err(
            poa_files("files", &[("photo.jpg", &b"just some text\n"[..])]),
            "files[0]",
        );
        assert!(e.message().contains("JPEG, PNG or PDF"));
        assert!(!e.to_string().contains("photo.jpg"));
    }

    #[test]
    fn poa_rejects_wrong_counts() {
        let e = assert_err(poa_files("files", &[]), "files");
        assert!(e.message().contains("at least one"));
        let four: Vec<(&str, &[u8])> = vec![("a", PDF), ("b", PDF), ("c", PDF), ("d", PDF)];
        let e = assert_err(poa_files("files", &four), "files");
        assert!(e.message().contains("at most 3"));
    }

    #[test]
    fn poa_rejects_empty_and_oversized_files() {
        assert_err(
            poa_files("files", &[("a.pdf", PDF), ("b.pdf", &b""[..])]),
            "files[1]",
        );
        let too_big = padded(JPEG, MAX_UPLOAD_BYTES + 1);
        let e = assert_err(
            poa_files(
                "files",
                &[("a.pdf", PDF), ("b.png", PNG), ("big.jpg", &too_big[..])],
            ),
            "files[2]",
        );
        assert!(e.message().contains("5 MB"));
        // A 6 MB file too.
        let six = padded(PDF, 6 * 1024 * 1024);
        assert_err(poa_files("files", &[("six.pdf", &six[..])]), "files[0]");
    }

    #[test]
    fn kyc_files_same_rules() {
        assert!(kyc_files("files", &[("front.jpg", JPEG)]).is_ok());
        assert!(kyc_files(
            "files",
            &[("front.jpg", JPEG), ("back.jpg", JPEG), ("selfie.png", PNG)]
        )
        .is_ok());
        assert_err(kyc_files("files", &[]), "files");
        let four: Vec<(&str, &[u8])> = vec![("a", JPEG), ("b", JPEG), ("c", JPEG), ("d", JPEG)];
        assert_err(kyc_files("files", &four), "files");
        assert_err(
            kyc_files("documents", &[("front.jpg", &b"GIF89a"[..])]),
            "documents[0]",
        );
        let too_big = padded(PNG, MAX_UPLOAD_BYTES + 1);
        assert_err(
            kyc_files("files", &[("front.png", &too_big[..])]),
            "files[0]",
        );
        assert_err(kyc_files("files", &[("front.png", &b""[..])]), "files[0]");
    }
}
