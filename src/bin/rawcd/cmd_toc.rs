//! `rawcd toc`: the layout as a table or as the JSON object of interface.md §2.

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

/// The `toc --json` object.
pub fn json(map: &DiscMap) -> String {
    let t = map.tracks();
    let mut s = String::from("{");
    s += &format!(
        "\"first_track\": {}, \"last_track\": {}, \"mcn\": {}, \"leadout_lba\": {}, \"last_used_user_sector\": {}, ",
        t[0].number,
        t[t.len() - 1].number,
        map.mcn().map_or("null".into(), |m| json_str(&m.to_string())),
        map.start_of_leadout(),
        map.last_used_user_sector()
    );
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
            "{{\"number\": {}, \"sector_type\": {}, \"control\": {}, \"start_lba\": {}, \"sectors\": {}, \"indexes\": [{}], \"isrc\": {}, \"copy\": {}, \"preemphasis\": {}, \"scms\": {}, \"four_channel\": {}}}",
            tr.number,
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
        );
    }
    s += "]";
    if let Some(ct) = map.decoded_cdtext() {
        if let Some(b) = ct.blocks.first() {
            let get = |k| text(b.disc.get(k));
            s += &format!(
                ", \"cdtext\": {{\"title\": {}, \"performer\": {}, \"blocks\": {}}}",
                json_str(&get(rawcd::codec::cdtext::TextKind::Title)),
                json_str(&get(rawcd::codec::cdtext::TextKind::Performer)),
                ct.blocks.len()
            );
        }
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
    for tr in t {
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
    }
    if let Some(ct) = map.decoded_cdtext() {
        for b in &ct.blocks {
            println!(
                "CD-Text block language {:#04x}: title {:?}, performer {:?}",
                b.language,
                text(b.disc.get(rawcd::codec::cdtext::TextKind::Title)),
                text(b.disc.get(rawcd::codec::cdtext::TextKind::Performer))
            );
        }
    }
    for l in &audio {
        println!("audio: {l}");
    }
    Ok(0)
}
