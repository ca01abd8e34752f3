//! A small tokenizer shared by the cue and TOC parsers: words, quoted strings, braces, with
//! 1-based line and column (in characters) of every token.
//!
//! Cue flavour: a line whose first word is `REM` becomes one [`Tok::Rem`] with the rest of the
//! line; strings have no escapes (Windows paths keep their backslashes). TOC flavour: `//`
//! comments run to the end of the line, `{` and `}` are tokens of their own, and strings
//! take cdrdao's escapes (`\"`, `\\`, `\n`, three octal digits).
#![forbid(unsafe_code)]

use std::path::Path;

use crate::formats::error::{ParseError, ParseErrorKind};

/// Which sheet syntax to tokenize.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// CDRWIN cue sheet.
    Cue,
    /// cdrdao TOC file.
    Toc,
}

/// One token's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    /// An unquoted run of characters.
    Word(String),
    /// A quoted string, quotes removed and escapes applied.
    Str(String),
    /// `{` (TOC only).
    Open,
    /// `}` (TOC only).
    Close,
    /// A cue `REM` line: the text after `REM`, trimmed.
    Rem(String),
}

/// A token with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The content.
    pub tok: Tok,
    /// 1-based line.
    pub line: u32,
    /// 1-based column of the first character.
    pub col: u32,
}

impl Token {
    /// A short description for error messages.
    pub fn describe(&self) -> String {
        match &self.tok {
            Tok::Word(w) => format!("{w:?}"),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Open => "\"{\"".into(),
            Tok::Close => "\"}\"".into(),
            Tok::Rem(_) => "REM".into(),
        }
    }
}

/// Splits `text` into tokens.
///
/// # Errors
/// [`ParseErrorKind::UnterminatedString`] at the opening quote.
pub fn tokenize(text: &str, flavor: Flavor, path: &Path) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut col = 1u32;
    let mut i = 0usize;
    let mut line_start = true;
    let is_comment = |i: usize| {
        flavor == Flavor::Toc && chars.get(i) == Some(&'/') && chars.get(i + 1) == Some(&'/')
    };
    while let Some(&c) = chars.get(i) {
        if c == '\n' {
            i += 1;
            line = line.saturating_add(1);
            col = 1;
            line_start = true;
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            i += 1;
            col = col.saturating_add(1);
            continue;
        }
        if is_comment(i) {
            while chars.get(i).is_some_and(|&ch| ch != '\n') {
                i += 1;
            }
            continue;
        }
        let (tl, tc) = (line, col);
        if c == '"' {
            i += 1;
            col = col.saturating_add(1);
            let mut s = String::new();
            let mut closed = false;
            while let Some(&ch) = chars.get(i) {
                if ch == '\n' {
                    break;
                }
                i += 1;
                col = col.saturating_add(1);
                match ch {
                    '"' => {
                        closed = true;
                        break;
                    }
                    '\\' if flavor == Flavor::Toc => {
                        let Some(&e) = chars.get(i) else { break };
                        if e == '\n' {
                            break;
                        }
                        i += 1;
                        col = col.saturating_add(1);
                        match e {
                            'n' => s.push('\n'),
                            't' => s.push('\t'),
                            '0'..='7' => {
                                let mut v = e as u32 - '0' as u32;
                                for _ in 0..2 {
                                    match chars.get(i) {
                                        Some(&d @ '0'..='7') => {
                                            i += 1;
                                            col = col.saturating_add(1);
                                            v = v * 8 + (d as u32 - '0' as u32);
                                        }
                                        _ => break,
                                    }
                                }
                                s.push(char::from_u32(v & 0xFF).unwrap_or('?'));
                            }
                            other => s.push(other),
                        }
                    }
                    other => s.push(other),
                }
            }
            if !closed {
                return Err(ParseError::new(
                    path,
                    tl,
                    tc,
                    ParseErrorKind::UnterminatedString,
                ));
            }
            out.push(Token {
                tok: Tok::Str(s),
                line: tl,
                col: tc,
            });
            line_start = false;
            continue;
        }
        if flavor == Flavor::Toc && (c == '{' || c == '}') {
            i += 1;
            col = col.saturating_add(1);
            out.push(Token {
                tok: if c == '{' { Tok::Open } else { Tok::Close },
                line: tl,
                col: tc,
            });
            line_start = false;
            continue;
        }
        // A word: up to whitespace, a quote, or (TOC) a brace or a comment.
        let mut w = String::new();
        while let Some(&ch) = chars.get(i) {
            if ch.is_whitespace() || ch == '"' || is_comment(i) {
                break;
            }
            if flavor == Flavor::Toc && (ch == '{' || ch == '}') {
                break;
            }
            w.push(ch);
            i += 1;
            col = col.saturating_add(1);
        }
        if flavor == Flavor::Cue && line_start && w.eq_ignore_ascii_case("REM") {
            let mut rest = String::new();
            while let Some(&ch) = chars.get(i) {
                if ch == '\n' {
                    break;
                }
                rest.push(ch);
                i += 1;
            }
            out.push(Token {
                tok: Tok::Rem(rest.trim().to_string()),
                line: tl,
                col: tc,
            });
            continue;
        }
        out.push(Token {
            tok: Tok::Word(w),
            line: tl,
            col: tc,
        });
        line_start = false;
    }
    Ok(out)
}

/// Decodes sheet bytes: UTF-8 (a byte-order mark is dropped), otherwise ISO-8859-1, which
/// older rippers write.
pub fn decode_sheet(bytes: &[u8]) -> String {
    let b = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(_) => b.iter().map(|&c| c as char).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, f: Flavor) -> Vec<(Tok, u32, u32)> {
        tokenize(text, f, Path::new("t"))
            .unwrap()
            .into_iter()
            .map(|t| (t.tok, t.line, t.col))
            .collect()
    }

    #[test]
    fn cue_tokens_carry_line_and_column() {
        let t = words(
            "FILE \"a b.bin\" BINARY\n  TRACK 01 AUDIO\nREM GENRE Rock\n",
            Flavor::Cue,
        );
        assert_eq!(t[0], (Tok::Word("FILE".into()), 1, 1));
        assert_eq!(t[1], (Tok::Str("a b.bin".into()), 1, 6));
        assert_eq!(t[2], (Tok::Word("BINARY".into()), 1, 16));
        assert_eq!(t[3], (Tok::Word("TRACK".into()), 2, 3));
        assert_eq!(t[6], (Tok::Rem("GENRE Rock".into()), 3, 1));
    }

    #[test]
    fn cue_strings_keep_backslashes() {
        let t = words(r#"FILE "C:\x\y.wav" WAVE"#, Flavor::Cue);
        assert_eq!(t[1].0, Tok::Str(r"C:\x\y.wav".into()));
    }

    #[test]
    fn toc_comments_braces_and_escapes() {
        let t = words(
            "CD_TEXT{ // c\n TITLE \"a\\\"b\\101\"}//x\nFILE \"f\" 0:1:2",
            Flavor::Toc,
        );
        let toks: Vec<Tok> = t.into_iter().map(|x| x.0).collect();
        assert_eq!(
            toks,
            vec![
                Tok::Word("CD_TEXT".into()),
                Tok::Open,
                Tok::Word("TITLE".into()),
                Tok::Str("a\"bA".into()),
                Tok::Close,
                Tok::Word("FILE".into()),
                Tok::Str("f".into()),
                Tok::Word("0:1:2".into()),
            ]
        );
    }

    #[test]
    fn unterminated_string_is_reported_at_the_quote() {
        let e = tokenize("TITLE \"abc\nX", Flavor::Cue, Path::new("d.cue")).unwrap_err();
        assert_eq!(e.to_string(), "d.cue:1:7: unterminated string");
    }

    #[test]
    fn latin1_sheets_decode() {
        assert_eq!(decode_sheet(b"\xEF\xBB\xBFab"), "ab");
        assert_eq!(decode_sheet(b"M\xFCller"), "Müller");
    }
}

/// Parses `mm:ss:ff` (minutes any number of digits up to 3, seconds < 60, frames < 75) into
/// a sector count.
///
/// # Errors
/// [`ParseErrorKind::BadTime`] saying which field is wrong.
pub fn parse_msf(text: &str) -> Result<u32, ParseErrorKind> {
    let bad = |reason: String| ParseErrorKind::BadTime {
        text: text.to_string(),
        reason,
    };
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad("expected mm:ss:ff".into()));
    }
    let n = |p: &str| p.parse::<u32>().unwrap_or(u32::MAX);
    let (m, s, f) = (n(parts[0]), n(parts[1]), n(parts[2]));
    if s >= 60 {
        return Err(bad(format!("seconds {s} must be below 60")));
    }
    if f >= 75 {
        return Err(bad(format!("frames {f} must be below 75")));
    }
    Ok((m * 60 + s) * 75 + f)
}

/// Formats a sector count as `mm:ss:ff`.
pub fn format_msf(frames: u32) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        frames / 4500,
        (frames / 75) % 60,
        frames % 75
    )
}

/// Parses a decimal number.
///
/// # Errors
/// [`ParseErrorKind::BadNumber`].
pub fn parse_u64(text: &str) -> Result<u64, ParseErrorKind> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParseErrorKind::BadNumber {
            text: text.to_string(),
            reason: "expected decimal digits",
        });
    }
    text.parse::<u64>().map_err(|_| ParseErrorKind::BadNumber {
        text: text.to_string(),
        reason: "too large",
    })
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn msf_fields_are_checked() {
        assert_eq!(parse_msf("01:02:03"), Ok((60 + 2) * 75 + 3));
        assert_eq!(parse_msf("0:10:0"), Ok(750));
        assert_eq!(
            parse_msf("00:00:75").unwrap_err().to_string(),
            "bad time \"00:00:75\": frames 75 must be below 75"
        );
        assert!(parse_msf("00:60:00").is_err());
        assert!(parse_msf("1:2").is_err());
        assert!(parse_msf("a:b:c").is_err());
        assert_eq!(format_msf(4653), "01:02:03");
    }
}
