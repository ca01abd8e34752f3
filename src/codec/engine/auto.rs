//! Runtime engine selection.
#![forbid(unsafe_code)]

#[cfg(all(target_arch = "x86_64", rawcd_simd512))]
use super::Avx512;
#[cfg(target_arch = "aarch64")]
use super::Neon;
#[cfg(target_arch = "x86_64")]
use super::X86;
use super::{Engine, EngineKind, Finish, Reference, Table};
use crate::codec::sector::SECTOR_SIZE;

/// The engine chosen once at start-up, in this order: the one forced by
/// `--cfg rawcd_engine="reference"` or `"table"` at build time, else the one named by the
/// [`ENGINE_ENV`] environment variable (`RAWCD_ENGINE`) if this CPU runs it, else `Avx512` when
/// the CPU has AVX-512 F/BW/VL, GFNI and VPCLMULQDQ, else `X86` when it has AVX2 and
/// PCLMULQDQ, else `Neon` on an aarch64 CPU with NEON and PMULL (all checked at run time), else
/// [`Table`].
#[derive(Debug, Clone, Copy)]
pub enum Auto {
    /// The reference engine.
    Reference(Reference),
    /// The portable fast engine.
    Table(Table),
    /// The x86-64 SIMD engine (only made after its run-time feature check).
    #[cfg(target_arch = "x86_64")]
    X86(X86),
    /// The AVX-512/GFNI engine (only made after its run-time feature check).
    #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
    Avx512(Avx512),
    /// The aarch64 NEON engine (only made after its run-time feature check).
    #[cfg(target_arch = "aarch64")]
    Neon(Neon),
}

/// The environment variable that forces an engine at run time: `RAWCD_ENGINE=reference`,
/// `table`, `x86`, `avx512` or `neon` (see [`Auto::from_env`]).
pub const ENGINE_ENV: &str = "RAWCD_ENGINE";

/// Why the engine named by [`ENGINE_ENV`] cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineChoiceError {
    /// The value names no engine.
    #[error("{ENGINE_ENV}={value:?}: no such engine (one of reference, table, x86, avx512, neon)")]
    Unknown {
        /// The variable's value.
        value: String,
    },
    /// The engine exists but this CPU (or this build) cannot run it.
    #[error("{ENGINE_ENV}={name}: this machine cannot run it (it needs {needs})")]
    Unavailable {
        /// The engine's name.
        name: &'static str,
        /// What it needs ([`Auto::requirement`]).
        needs: &'static str,
    },
}

impl EngineKind {
    /// The kind named `name` (as [`EngineKind::name`] spells it), if any.
    pub fn from_name(name: &str) -> Option<EngineKind> {
        EngineKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// How [`Auto::detect`] came to its engine, for `rawcd engines` and bug reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Forced at build time (`--cfg rawcd_engine=...`).
    BuildCfg,
    /// Named by [`ENGINE_ENV`].
    Env,
    /// The best engine this CPU runs.
    Best,
}

impl Auto {
    /// The engine for this process, chosen once (later calls return the same engine): the
    /// one forced at build time, else the one [`ENGINE_ENV`] names, else the best this CPU
    /// runs. A value of [`ENGINE_ENV`] that cannot be honoured is ignored here (the best
    /// engine is used); [`Auto::from_env`] reports it, and the `rawcd` CLI refuses to start.
    pub fn detect() -> Auto {
        Auto::choice().0
    }

    /// [`Auto::detect`]'s engine and how it was chosen.
    pub fn choice() -> (Auto, Chosen) {
        static CHOICE: std::sync::OnceLock<(Auto, Chosen)> = std::sync::OnceLock::new();
        *CHOICE.get_or_init(|| match Auto::from_env() {
            Ok(Some(e)) if Auto::forced_at_build().is_none() => (e, Chosen::Env),
            _ => match Auto::forced_at_build() {
                Some(e) => (e, Chosen::BuildCfg),
                None => (Auto::best(), Chosen::Best),
            },
        })
    }

    /// The engine [`ENGINE_ENV`] names: `Ok(None)` when it is unset or empty, an error when
    /// it names no engine or one this CPU cannot run. Reads the environment on every call.
    ///
    /// # Errors
    /// [`EngineChoiceError`] as described.
    pub fn from_env() -> Result<Option<Auto>, EngineChoiceError> {
        let Some(v) = std::env::var_os(ENGINE_ENV) else {
            return Ok(None);
        };
        let v = v.to_string_lossy();
        let v = v.trim();
        if v.is_empty() {
            return Ok(None);
        }
        let kind = EngineKind::from_name(&v.to_ascii_lowercase()).ok_or_else(|| {
            EngineChoiceError::Unknown {
                value: v.to_owned(),
            }
        })?;
        Auto::try_with_kind(kind)
            .map(Some)
            .ok_or(EngineChoiceError::Unavailable {
                name: kind.name(),
                needs: Auto::requirement(kind),
            })
    }

    /// The engine forced by `--cfg rawcd_engine=...`, if any.
    fn forced_at_build() -> Option<Auto> {
        if cfg!(rawcd_engine = "reference") {
            return Some(Auto::Reference(Reference));
        }
        if cfg!(rawcd_engine = "table") {
            return Some(Auto::Table(Table));
        }
        None
    }

    /// The CPU features the SIMD engines are chosen from, each with whether this CPU has it
    /// (run-time detection), in the order the engines need them.
    pub fn cpu_features() -> Vec<(&'static str, bool)> {
        #[cfg(target_arch = "x86_64")]
        {
            vec![
                ("avx2", is_x86_feature_detected!("avx2")),
                ("pclmulqdq", is_x86_feature_detected!("pclmulqdq")),
                ("vpclmulqdq", is_x86_feature_detected!("vpclmulqdq")),
                ("avx512f", is_x86_feature_detected!("avx512f")),
                ("avx512bw", is_x86_feature_detected!("avx512bw")),
                ("avx512vl", is_x86_feature_detected!("avx512vl")),
                ("gfni", is_x86_feature_detected!("gfni")),
            ]
        }
        #[cfg(target_arch = "aarch64")]
        {
            vec![
                ("neon", std::arch::is_aarch64_feature_detected!("neon")),
                ("pmull", std::arch::is_aarch64_feature_detected!("aes")),
            ]
        }
        #[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
        {
            Vec::new()
        }
    }

    /// The best engine this CPU runs, ignoring every way of forcing one.
    pub fn best() -> Auto {
        #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
        if let Some(e) = Avx512::detect() {
            return Auto::Avx512(e);
        }
        #[cfg(target_arch = "x86_64")]
        if let Some(e) = X86::detect() {
            return Auto::X86(e);
        }
        #[cfg(target_arch = "aarch64")]
        if let Some(e) = Neon::detect() {
            return Auto::Neon(e);
        }
        Auto::Table(Table)
    }

    /// The engine of the given kind, if this CPU can run it. `Reference` and `Table` run
    /// everywhere; the others need the CPU features [`Auto::requirement`] names.
    pub fn try_with_kind(kind: EngineKind) -> Option<Auto> {
        match kind {
            EngineKind::Reference => Some(Auto::Reference(Reference)),
            EngineKind::Table => Some(Auto::Table(Table)),
            #[cfg(target_arch = "x86_64")]
            EngineKind::X86 => X86::detect().map(Auto::X86),
            #[cfg(not(target_arch = "x86_64"))]
            EngineKind::X86 => None,
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            EngineKind::Avx512 => Avx512::detect().map(Auto::Avx512),
            #[cfg(not(all(target_arch = "x86_64", rawcd_simd512)))]
            EngineKind::Avx512 => None,
            #[cfg(target_arch = "aarch64")]
            EngineKind::Neon => Neon::detect().map(Auto::Neon),
            #[cfg(not(target_arch = "aarch64"))]
            EngineKind::Neon => None,
        }
    }

    /// What an engine kind needs from the CPU and the compiler, for skip messages.
    pub const fn requirement(kind: EngineKind) -> &'static str {
        match kind {
            EngineKind::Reference | EngineKind::Table => "nothing",
            EngineKind::X86 => "an x86-64 CPU with AVX2 and PCLMULQDQ",
            EngineKind::Avx512 => {
                "an x86-64 CPU with AVX-512 F/BW/VL, GFNI and VPCLMULQDQ (and Rust >= 1.89)"
            }
            EngineKind::Neon => "an aarch64 CPU with NEON and PMULL",
        }
    }

    /// The engine of the given kind, or [`Table`] when this CPU cannot run it (only the SIMD
    /// engines can be missing). [`Auto::kind`](Engine::kind) names the engine actually returned; use
    /// [`Auto::try_with_kind`] to detect the fallback.
    pub fn with_kind(kind: EngineKind) -> Auto {
        Auto::try_with_kind(kind).unwrap_or(Auto::Table(Table))
    }

    /// Names the engine chosen.
    pub fn kind_name(&self) -> &'static str {
        self.kind().name()
    }

    /// The engine's name with the kernels it runs where an engine has more than one set:
    /// `x86+gfni` (the `X86` engine with its GFNI ECC), `avx512/256` (the `Avx512` engine with
    /// the 256-bit ECC and scrambler it runs on AMD CPUs); otherwise [`Auto::kind_name`].
    pub fn label(&self) -> &'static str {
        match self {
            #[cfg(target_arch = "x86_64")]
            Auto::X86(e) if e.uses_gfni() => "x86+gfni",
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512(e) if !e.wide() => "avx512/256",
            _ => self.kind_name(),
        }
    }

    /// What the engine's kernels are, in a few words, for `rawcd engines` and bug reports.
    pub fn kernels(&self) -> &'static str {
        match self {
            Auto::Reference(_) => "bit-at-a-time EDC, ECC from the formula, byte-wise scrambler",
            Auto::Table(_) => "slice-by-16 EDC, SWAR ECC, word-wise scrambler",
            #[cfg(target_arch = "x86_64")]
            Auto::X86(e) if e.uses_gfni() => "PCLMULQDQ EDC, AVX2 + GFNI ECC, AVX2 scrambler",
            #[cfg(target_arch = "x86_64")]
            Auto::X86(_) => "PCLMULQDQ EDC, AVX2 pshufb-table ECC, AVX2 scrambler",
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512(e) if e.wide() => "512-bit VPCLMULQDQ EDC, GFNI ECC and scrambler",
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512(_) => {
                "512-bit VPCLMULQDQ EDC; 256-bit GFNI ECC and AVX2 scrambler (faster on AMD)"
            }
            #[cfg(target_arch = "aarch64")]
            Auto::Neon(_) => "PMULL EDC, NEON ECC and scrambler",
        }
    }
}

impl Default for Auto {
    fn default() -> Self {
        Auto::detect()
    }
}

macro_rules! dispatch {
    ($self:ident, $e:ident => $body:expr) => {
        match $self {
            Auto::Reference($e) => $body,
            Auto::Table($e) => $body,
            #[cfg(target_arch = "x86_64")]
            Auto::X86($e) => $body,
            #[cfg(all(target_arch = "x86_64", rawcd_simd512))]
            Auto::Avx512($e) => $body,
            #[cfg(target_arch = "aarch64")]
            Auto::Neon($e) => $body,
        }
    };
}

impl Engine for Auto {
    fn kind(&self) -> EngineKind {
        dispatch!(self, e => e.kind())
    }
    #[inline]
    fn edc(&self, data: &[u8]) -> u32 {
        dispatch!(self, e => e.edc(data))
    }
    #[inline]
    fn ecc(&self, sector: &mut [u8; SECTOR_SIZE], zero_header: bool) {
        dispatch!(self, e => e.ecc(sector, zero_header))
    }
    #[inline]
    fn scramble(&self, sector: &mut [u8; SECTOR_SIZE]) {
        dispatch!(self, e => e.scramble(sector))
    }
    #[inline]
    fn rw_parity(&self, pack: &mut [u8; 24]) {
        dispatch!(self, e => e.rw_parity(pack))
    }
    #[inline]
    fn scramble_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]]) {
        dispatch!(self, e => e.scramble_batch(sectors))
    }
    #[inline]
    fn encode_batch(&self, sectors: &mut [[u8; SECTOR_SIZE]], finish: Finish, scramble: bool) {
        dispatch!(self, e => e.encode_batch(sectors, finish, scramble))
    }
    #[inline]
    fn encode_strided(&self, buf: &mut [u8], stride: usize, finish: Finish, scramble: bool) {
        dispatch!(self, e => e.encode_strided(buf, stride, finish, scramble))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_kind_never_hands_out_an_engine_the_cpu_lacks() {
        for k in EngineKind::ALL {
            let got = Auto::with_kind(k);
            match Auto::try_with_kind(k) {
                Some(e) => assert_eq!(got.kind(), e.kind()),
                None => assert_eq!(got.kind(), EngineKind::Table),
            }
        }
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            Auto::try_with_kind(EngineKind::X86).is_some(),
            X86::detect().is_some()
        );
    }

    #[test]
    fn detect_honours_the_forced_engine() {
        let k = Auto::detect().kind();
        if cfg!(rawcd_engine = "reference") {
            assert_eq!(k, EngineKind::Reference);
        } else if cfg!(rawcd_engine = "table") {
            assert_eq!(k, EngineKind::Table);
        } else if let Ok(Some(e)) = Auto::from_env() {
            assert_eq!(k, e.kind());
            assert_eq!(Auto::choice().1, Chosen::Env);
        } else {
            assert_eq!(k, Auto::best().kind());
        }
    }

    #[test]
    fn best_is_the_strongest_engine_the_cpu_runs() {
        let k = Auto::best().kind();
        if Auto::try_with_kind(EngineKind::Avx512).is_some() {
            assert_eq!(k, EngineKind::Avx512);
        } else if Auto::try_with_kind(EngineKind::X86).is_some() {
            assert_eq!(k, EngineKind::X86);
        } else if Auto::try_with_kind(EngineKind::Neon).is_some() {
            assert_eq!(k, EngineKind::Neon);
        } else {
            assert_eq!(k, EngineKind::Table);
        }
    }

    #[test]
    fn engine_names_round_trip() {
        for k in EngineKind::ALL {
            assert_eq!(EngineKind::from_name(k.name()), Some(k));
        }
        assert_eq!(EngineKind::from_name("avx2"), None);
        assert_eq!(EngineKind::from_name(""), None);
    }

    #[test]
    fn choice_errors_name_the_variable_and_the_problem() {
        let e = EngineChoiceError::Unknown {
            value: "avx9".into(),
        };
        assert_eq!(
            e.to_string(),
            "RAWCD_ENGINE=\"avx9\": no such engine (one of reference, table, x86, avx512, neon)"
        );
        let e = EngineChoiceError::Unavailable {
            name: "neon",
            needs: Auto::requirement(EngineKind::Neon),
        };
        assert!(e
            .to_string()
            .starts_with("RAWCD_ENGINE=neon: this machine cannot run it"));
    }

    #[test]
    fn cpu_features_are_listed_on_simd_targets() {
        let f = Auto::cpu_features();
        if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) {
            assert!(!f.is_empty());
        }
        #[cfg(target_arch = "x86_64")]
        assert_eq!(
            f.iter().any(|&(n, has)| n == "avx2" && has)
                && f.iter().any(|&(n, has)| n == "pclmulqdq" && has),
            Auto::try_with_kind(EngineKind::X86).is_some()
        );
    }
}
