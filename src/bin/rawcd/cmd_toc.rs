//! `rawcd toc`: the layout as a table or as the JSON object of interface.md §2.

use rawcd::codec::cdtext::{Block, TextKind, Texts};
use rawcd::layout::{CopySetting, DiscMap};
use rawcd::units::Msf;

use crate::args::TocArgs;
use crate::json::json_str;
use crate::{plan, CliResult};

fn msf(lba: i32) -> String {
    Msf::from_lba(lba).map_or_else(|| "--:--:--".into(), |m| m.to_string())
}

/// CD-Text bytes as text: ISO-8859-1 and ASCII map byte for byte to characters.
fn text(b: &[u8]) -> String {
    b.iter().map(|&c| c as char).collect()
}

/// The text of track `number` in a CD-Text block (None when the block does not cover it).
fn track_texts(b: &Block, number: u8) -> Option<&Texts> {
    let i = number.checked_sub(b.first_track)?;
    b.tracks.get(usize::from(i)).map(|t| &t.texts)
}

/// The six text fields as JSON members (`"title": "…", …`; `""` when absent).
fn texts_json(x: &Texts) -> String {
    TextKind::ALL
        .iter()
        .map(|&k| format!("{}: {}", json_str(k.name()), json_str(&text(x.get(k)))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The non-empty text fields in words (`title "…", performer "…"`).
fn texts_line(x: &Texts) -> String {
    TextKind::ALL
        .iter()
        .filter(|&&k| !x.get(k).is_empty())
        .map(|&k| format!("{} \"{}\"", k.name(), text(x.get(k))))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `toc --json` object.
pub fn json(map: &DiscMap) -> String {
    let t = map.tracks();
    let ct = map.decoded_cdtext();
    let blocks = ct.as_ref().map_or(0, |c| c.blocks.len());
    let first_block = ct.and_then(|c| c.blocks.into_iter().next());
    let mut s = String::from("{");
    s += &format!(
        "\"first_track\": {}, \"last_track\": {}, \"mcn\": {}, \"leadout_lba\": {}, \"last_used_user_sector\": {}, ",
        t[0].number,
        t[t.len() - 1].number,
        map.mcn().map_or("null".into(), |m| json_str(&m.to_string())),
        map.start_of_leadout(),
        map.last_used_user_sector()
    );
    s += "\"sessions\": [";
    for (i, ss) in map.sessions().iter().enumerate() {
        if i > 0 {
            s += ", ";
        }
        s += &format!(
            "{{\"number\": {}, \"first_track\": {}, \"last_track\": {}, \"leadin_lba\": {}, \"leadin_sectors\": {}, \"first_lba\": {}, \"leadout_lba\": {}, \"leadout_sectors\": {}, \"last_used_user_sector\": {}, \"disc_type\": {}, \"next_session_start\": {}}}",
            ss.number,
            ss.first_track,
            ss.last_track,
            ss.leadin_lba,
            ss.leadin_sectors,
            ss.first_lba,
            ss.leadout_lba,
            ss.leadout_sectors,
            ss.last_used_user_sector(),
            json_str(ss.disc_type_name()),
            ss.next_session_start.map_or("null".into(), |l| l.to_string()),
        );
    }
    s += "], ";
    s += "\"tracks\": [";
    for (i, tr) in t.iter().enumerate() {
        if i > 0 {
            s += ", ";
        }
        let mut idx = Vec::new();
        if i == 0 {
            idx.push((0u8, -150));
        } else if tr.first_lba < tr.index01 {
            idx.push((0, tr.first_lba));
        }
        idx.push((1, tr.index01));
        for (k, &l) in tr.indexes.iter().enumerate() {
            idx.push((k as u8 + 2, l));
        }
        let idx: Vec<String> = idx
            .iter()
            .map(|(n, l)| format!("{{\"index\": {n}, \"lba\": {l}}}"))
            .collect();
        s += &format!(
            "{{\"number\": {}, \"session\": {}, \"sector_type\": {}, \"control\": {}, \"start_lba\": {}, \"sectors\": {}, \"indexes\": [{}], \"isrc\": {}, \"copy\": {}, \"preemphasis\": {}, \"scms\": {}, \"four_channel\": {}{}}}",
            tr.number,
            tr.session,
            json_str(tr.type_name()),
            tr.ctrl,
            tr.index01,
            tr.end - tr.index01,
            idx.join(", "),
            tr.isrc.as_ref().map_or("null".into(), |i| json_str(i.as_str())),
            tr.copy == CopySetting::Permitted,
            tr.preemphasis,
            tr.copy == CopySetting::Scms,
            tr.four_channel,
            first_block
                .as_ref()
                .and_then(|b| track_texts(b, tr.number))
                .map_or(String::new(), |x| format!(", \"cdtext\": {{{}}}", texts_json(x))),
        );
    }
    s += "]";
    if let Some(b) = &first_block {
        s += &format!(
            ", \"cdtext\": {{{}, \"blocks\": {}}}",
            texts_json(&b.disc),
            blocks
        );
    }
    let w: Vec<String> = map.warnings().iter().map(|w| json_str(w)).collect();
    s += &format!(", \"warnings\": [{}]", w.join(", "));
    s += "}";
    s
}

/// Runs `rawcd toc`.
pub fn run(a: TocArgs) -> CliResult {
    let (c, audio) = plan::creator_report(&a.src, true)?;
    let map = plan::build(&c, &a.src)?;
    plan::print_warnings(&map, &a.src);
    if a.json {
        let mut j = json(&map);
        j.pop();
        let lines: Vec<String> = audio.iter().map(|l| json_str(l)).collect();
        println!("{j}, \"audio\": [{}]}}", lines.join(", "));
        return Ok(0);
    }
    let t = map.tracks();
    println!(
        "tracks {}..{}  MCN {}  lead-out LBA {} ({})  last used user sector {}",
        t[0].number,
        t[t.len() - 1].number,
        map.mcn().map_or("-".into(), |m| m.to_string()),
        map.start_of_leadout(),
        msf(map.start_of_leadout()),
        map.last_used_user_sector()
    );
    println!("track  type        ctrl  index   LBA       MSF        sectors  flags / ISRC");
    let sessions = map.sessions();
    let multi = sessions.len() > 1;
    for tr in t {
        let session = sessions.iter().find(|s| s.number == tr.session);
        if let Some(ss) = session.filter(|s| multi && s.first_track == tr.number) {
            println!(
                "session {} ({}): lead-in LBA {} ({}), {} sectors",
                ss.number,
                ss.disc_type_name(),
                ss.leadin_lba,
                msf(ss.leadin_lba),
                ss.leadin_sectors
            );
        }
        let mut flags = Vec::new();
        match tr.copy {
            CopySetting::Permitted => flags.push("DCP".to_string()),
            CopySetting::Scms => flags.push("SCMS".to_string()),
            CopySetting::Prohibited => {}
        }
        if tr.preemphasis {
            flags.push("PRE".into());
        }
        if tr.four_channel {
            flags.push("4CH".into());
        }
        if let Some(i) = &tr.isrc {
            flags.push(format!("ISRC {i}"));
        }
        let pregap = if tr.number == t[0].number {
            -150
        } else {
            tr.first_lba
        };
        if pregap < tr.index01 {
            println!(
                "{:>5}  {:<11} {:>4}  00     {:>7}   {}",
                tr.number,
                tr.type_name(),
                tr.ctrl,
                pregap,
                msf(pregap)
            );
        }
        println!(
            "{:>5}  {:<11} {:>4}  01     {:>7}   {}   {:>7}  {}",
            tr.number,
            tr.type_name(),
            tr.ctrl,
            tr.index01,
            msf(tr.index01),
            tr.end - tr.index01,
            flags.join(" ")
        );
        for (k, &l) in tr.indexes.iter().enumerate() {
            println!(
                "{:>5}  {:<11} {:>4}  {:02}     {:>7}   {}",
                "",
                "",
                "",
                k + 2,
                l,
                msf(l)
            );
        }
        if let Some(ss) = session.filter(|s| multi && s.last_track == tr.number) {
            println!(
                "session {} lead-out: LBA {} ({}), {} sectors{}",
                ss.number,
                ss.leadout_lba,
                msf(ss.leadout_lba),
                ss.leadout_sectors,
                ss.next_session_start.map_or(String::new(), |n| format!(
                    "; next program area (B0) at LBA {n} ({})",
                    msf(n)
                ))
            );
        }
    }
    if let Some(ct) = map.decoded_cdtext() {
        for b in &ct.blocks {
            let disc = texts_line(&b.disc);
            println!(
                "CD-Text block language {:#04x}: {}",
                b.language,
                if disc.is_empty() {
                    "no disc text".to_string()
                } else {
                    disc
                }
            );
            for tr in t {
                if let Some(line) = track_texts(b, tr.number)
                    .map(texts_line)
                    .filter(|l| !l.is_empty())
                {
                    println!("  track {:02}: {line}", tr.number);
                }
            }
        }
    }
    for l in &audio {
        println!("audio: {l}");
    }
    Ok(0)
}
