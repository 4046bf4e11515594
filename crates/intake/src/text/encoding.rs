//! Detects the text encoding of a delimited file and decodes it to UTF-8 as a stream.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8};

use crate::error::IntakeError;

/// The encoding intake will decode with.
#[derive(Debug, Clone)]
pub(crate) struct TextEncoding {
    pub encoding: &'static Encoding,
    /// Name shown to users: the WHATWG name, or "UTF-8-BOM".
    pub label: String,
    /// Bytes of BOM to skip.
    pub bom_len: usize,
}

/// Bytes sampled for the UTF-16 and legacy-encoding guesses.
const SAMPLE: usize = 1 << 20;

/// Chooses the encoding: the caller's, else the BOM, else the NUL pattern of
/// BOM-less UTF-16, else UTF-8 if the whole file is valid UTF-8, else chardetng.
pub(crate) fn detect(path: &Path, forced: Option<&str>) -> Result<TextEncoding, IntakeError> {
    let mut file = BufReader::new(File::open(path)?);
    let mut sample = Vec::with_capacity(SAMPLE.min(64 * 1024));
    (&mut file).take(SAMPLE as u64).read_to_end(&mut sample)?;
    let bom = Encoding::for_bom(&sample);
    if let Some(label) = forced {
        return forced_encoding(label, bom);
    }
    if let Some((enc, len)) = bom {
        let label = if enc == UTF_8 {
            "UTF-8-BOM".to_string()
        } else {
            enc.name().to_string()
        };
        return Ok(TextEncoding {
            encoding: enc,
            label,
            bom_len: len,
        });
    }
    if let Some(enc) = utf16_by_nuls(&sample) {
        return Ok(TextEncoding {
            encoding: enc,
            label: enc.name().to_string(),
            bom_len: 0,
        });
    }
    // Valid UTF-8 must hold for the whole file, not only the sample: a Latin-1 byte at
    // row 90,000 would otherwise turn into U+FFFD silently.
    let first_bad = first_invalid_utf8(path)?;
    let Some(bad_at) = first_bad else {
        return Ok(TextEncoding {
            encoding: UTF_8,
            label: "UTF-8".to_string(),
            bom_len: 0,
        });
    };
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&sample, bad_at as usize >= sample.len());
    if (bad_at as usize) >= sample.len() {
        // The sample was pure UTF-8/ASCII: feed the neighbourhood of the bad byte.
        let mut f = File::open(path)?;
        io::Seek::seek(&mut f, io::SeekFrom::Start(bad_at.saturating_sub(4096)))?;
        let mut around = Vec::with_capacity(65536);
        f.take(65536).read_to_end(&mut around)?;
        detector.feed(&around, true);
    }
    let enc = detector.guess(None, chardetng::Utf8Detection::Allow);
    // A detector that says UTF-8 for invalid UTF-8 is wrong; cp1252 decodes anything.
    // With only one or two distinct non-ASCII bytes (a `£` here and there) there is too
    // little evidence to pick a Central European code page over Western Excel's default.
    let distinct_high = {
        let mut seen = [false; 128];
        for &b in &sample {
            if b >= 0x80 {
                seen[usize::from(b - 0x80)] = true;
            }
        }
        seen.iter().filter(|&&s| s).count()
    };
    let enc = if enc == UTF_8
        || ((enc == encoding_rs::WINDOWS_1250 || enc == encoding_rs::ISO_8859_2)
            && distinct_high <= 2)
    {
        encoding_rs::WINDOWS_1252
    } else {
        enc
    };
    Ok(TextEncoding {
        encoding: enc,
        label: enc.name().to_string(),
        bom_len: 0,
    })
}

fn forced_encoding(
    label: &str,
    bom: Option<(&'static Encoding, usize)>,
) -> Result<TextEncoding, IntakeError> {
    let trimmed = label.trim();
    let (enc, display) = if trimmed.eq_ignore_ascii_case("utf-8-bom") {
        (UTF_8, "UTF-8-BOM".to_string())
    } else {
        let enc = Encoding::for_label(trimmed.as_bytes()).ok_or_else(|| {
            IntakeError::EncodingUnknown {
                name: trimmed.to_string(),
            }
        })?;
        // "utf-16" as a label means LE in WHATWG; keep that.
        (enc, enc.name().to_string())
    };
    // Skip a BOM only when it agrees with the forced encoding.
    let bom_len = match bom {
        Some((b, len)) if b == enc => len,
        _ => 0,
    };
    let display = if enc == UTF_8 && bom_len > 0 {
        "UTF-8-BOM".to_string()
    } else {
        display
    };
    Ok(TextEncoding {
        encoding: enc,
        label: display,
        bom_len,
    })
}

/// BOM-less UTF-16 shows as NUL bytes in every other position for Latin text.
fn utf16_by_nuls(sample: &[u8]) -> Option<&'static Encoding> {
    let n = sample.len().min(8192) & !1;
    if n < 4 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample[..n].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let pairs = n / 2;
    if odd * 10 >= pairs * 3 && even * 20 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 3 && odd * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Offset of the first byte that makes the file invalid UTF-8, streaming in chunks.
fn first_invalid_utf8(path: &Path) -> io::Result<Option<u64>> {
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let mut carry = 0usize;
    let mut offset: u64 = 0;
    loop {
        let n = file.read(&mut buf[carry..])?;
        let len = carry + n;
        if n == 0 {
            // A truncated sequence at EOF is invalid.
            return Ok(if carry > 0 { Some(offset) } else { None });
        }
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => {
                offset += len as u64;
                carry = 0;
            }
            Err(e) => {
                if e.error_len().is_some() {
                    return Ok(Some(offset + e.valid_up_to() as u64));
                }
                // Incomplete sequence at the chunk end: carry it over.
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                offset += valid as u64;
                carry = len - valid;
            }
        }
    }
}

/// A `Read` that yields UTF-8: decodes with encoding_rs, turns lone CR into LF for
/// old-Mac files (the csv reader counts lines by LF), and passes UTF-8 through.
pub(crate) struct Utf8Reader<R> {
    inner: R,
    decoder: Option<Decoder>,
    in_buf: Vec<u8>,
    in_start: usize,
    in_end: usize,
    out_buf: Vec<u8>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    /// The decoder saw `last = true`; calling it again is not allowed.
    finished: bool,
    cr_to_lf: bool,
}

impl<R: Read> Utf8Reader<R> {
    pub(crate) fn new(inner: R, encoding: &'static Encoding) -> Self {
        let decoder = if encoding == UTF_8 {
            None
        } else {
            Some(encoding.new_decoder_without_bom_handling())
        };
        Utf8Reader {
            inner,
            decoder,
            in_buf: vec![0; 1 << 16],
            in_start: 0,
            in_end: 0,
            out_buf: vec![0; (1 << 16) * 3 + 16],
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
            cr_to_lf: false,
        }
    }

    pub(crate) fn set_cr_to_lf(&mut self, on: bool) {
        self.cr_to_lf = on;
    }

    fn fill(&mut self) -> io::Result<()> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(());
        };
        self.out_start = 0;
        self.out_end = 0;
        while self.out_end == 0 && !self.finished {
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.in_buf)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let last = self.eof;
            let (result, read, written, _) = decoder.decode_to_utf8(
                &self.in_buf[self.in_start..self.in_end],
                &mut self.out_buf,
                last,
            );
            self.in_start += read;
            self.out_end = written;
            if last && matches!(result, CoderResult::InputEmpty) {
                self.finished = true;
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = if self.decoder.is_none() {
            self.inner.read(buf)?
        } else {
            if self.out_start == self.out_end {
                self.fill()?;
            }
            let n = (self.out_end - self.out_start).min(buf.len());
            buf[..n].copy_from_slice(&self.out_buf[self.out_start..self.out_start + n]);
            self.out_start += n;
            n
        };
        if self.cr_to_lf {
            for b in &mut buf[..n] {
                if *b == b'\r' {
                    *b = b'\n';
                }
            }
        }
        Ok(n)
    }
}
