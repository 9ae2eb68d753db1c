//! Which IP addresses a webhook may be sent to.
//!
//! The ranges are data, not code: `data/iana-special-purpose.csv` holds every row of the IANA IPv4
//! and IPv6 Special-Purpose Address Registries, plus a few cited ranges outside them (multicast,
//! deprecated site-local and IPv4-compatible IPv6), each with our policy: `refuse`, `loopback`
//! (refused unless the test-only `allow_loopback` setting is on), `embedded_v4` (judged by the IPv4
//! address the IPv6 address carries) or `allow`. The file's header says where the rows come from.
//!
//! The table is parsed once, on first use. The longest matching prefix decides; an address that
//! no row covers is allowed. Should the embedded file ever fail to parse, every address is
//! refused (and this module's tests fail): a broken table never opens anything.
//!
//! Std only, so that it compiles and tests on its own:
//! `rustc --edition 2021 --test netpolicy.rs`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

/// The table, embedded at build time.
const DATA: &str = include_str!("../data/iana-special-purpose.csv");

/// The header line of the table, column by column.
const COLUMNS: [&str; 7] = [
    "prefix",
    "name",
    "rfc",
    "globally_reachable",
    "policy",
    "source",
    "comment",
];

/// What we do with destinations in a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Never send a webhook there.
    Refuse,
    /// Refused unless the test-only `allow_loopback` setting is on.
    Loopback,
    /// An IPv6 prefix whose next 32 bits are an IPv4 address (IPv4-mapped, NAT64, 6to4): judged
    /// by that IPv4 address.
    EmbeddedV4,
    /// Sent. Only permitted on rows the registry marks globally reachable.
    Allow,
}

/// Where a row comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The IANA IPv4 Special-Purpose Address Registry.
    Ipv4Registry,
    /// The IANA IPv6 Special-Purpose Address Registry.
    Ipv6Registry,
    /// Outside those registries; the row's `rfc` column cites where.
    Extra,
}

/// An address prefix: the network address and the prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prefix {
    V4(Ipv4Addr, u8),
    V6(Ipv6Addr, u8),
}

impl Prefix {
    /// The prefix length in bits.
    pub fn bits(self) -> u8 {
        match self {
            Prefix::V4(_, len) | Prefix::V6(_, len) => len,
        }
    }

    /// The lowest address in the prefix.
    pub fn first(self) -> IpAddr {
        match self {
            Prefix::V4(net, _) => IpAddr::V4(net),
            Prefix::V6(net, _) => IpAddr::V6(net),
        }
    }

    /// The highest address in the prefix.
    pub fn last(self) -> IpAddr {
        match self {
            Prefix::V4(net, len) => IpAddr::V4(Ipv4Addr::from(u32::from(net) | !mask32(len))),
            Prefix::V6(net, len) => IpAddr::V6(Ipv6Addr::from(u128::from(net) | !mask128(len))),
        }
    }

    /// Whether `ip` lies in the prefix (never across address families).
    pub fn contains(self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Prefix::V4(net, len), IpAddr::V4(a)) => u32::from(a) & mask32(len) == u32::from(net),
            (Prefix::V6(net, len), IpAddr::V6(a)) => {
                u128::from(a) & mask128(len) == u128::from(net)
            }
            _ => false,
        }
    }
}

fn mask32(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn mask128(len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

/// One line of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row<'a> {
    pub prefix: Prefix,
    /// The prefix as written in the file.
    pub prefix_text: &'a str,
    pub name: &'a str,
    pub rfc: &'a str,
    /// The registry's "Globally Reachable" value: `True`, `False`, `N/A`, empty where the
    /// registry cell is empty, `-` on [`Source::Extra`] rows.
    pub globally_reachable: &'a str,
    pub policy: Policy,
    pub source: Source,
    pub comment: &'a str,
    /// 1-based line number in the file.
    pub line: usize,
}

/// Parses the table: `#` lines and blank lines are skipped, the first other line must be the
/// header, every later line one row of exactly seven comma-separated fields. Any deviation is an
/// error naming the line; so is a prefix with host bits set, a repeated prefix, `embedded_v4` on
/// a prefix that leaves no room for 32 bits of IPv4 address, or `allow` on a row the registry
/// does not mark globally reachable. Rows come back in file order.
pub fn parse(text: &str) -> Result<Vec<Row<'_>>, String> {
    let mut rows: Vec<Row<'_>> = Vec::new();
    let mut header_seen = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        if fields.len() != COLUMNS.len() {
            return Err(format!(
                "line {line}: {} fields, expected {} ({})",
                fields.len(),
                COLUMNS.len(),
                COLUMNS.join(",")
            ));
        }
        if !header_seen {
            if fields != COLUMNS {
                return Err(format!(
                    "line {line}: the header must be `{}`",
                    COLUMNS.join(",")
                ));
            }
            header_seen = true;
            continue;
        }
        let row = parse_row(&fields, line).map_err(|e| format!("line {line}: {e}"))?;
        if let Some(earlier) = rows.iter().find(|r| r.prefix == row.prefix) {
            return Err(format!(
                "line {line}: {} repeats line {}",
                row.prefix_text, earlier.line
            ));
        }
        rows.push(row);
    }
    if !header_seen || rows.is_empty() {
        return Err("the table has no header or no rows".into());
    }
    Ok(rows)
}

fn parse_row<'a>(f: &[&'a str], line: usize) -> Result<Row<'a>, String> {
    let (prefix_text, name, rfc, globally_reachable) = (f[0], f[1], f[2], f[3]);
    let (policy_text, source_text, comment) = (f[4], f[5], f[6]);
    let prefix = parse_prefix(prefix_text)?;
    if name.is_empty() || rfc.is_empty() || comment.is_empty() {
        return Err("name, rfc and comment must not be empty".into());
    }
    let policy = match policy_text {
        "refuse" => Policy::Refuse,
        "loopback" => Policy::Loopback,
        "embedded_v4" => Policy::EmbeddedV4,
        "allow" => Policy::Allow,
        other => return Err(format!("unknown policy `{other}`")),
    };
    let source = match source_text {
        "iana-ipv4-special" => Source::Ipv4Registry,
        "iana-ipv6-special" => Source::Ipv6Registry,
        "extra" => Source::Extra,
        other => return Err(format!("unknown source `{other}`")),
    };
    match (source, prefix) {
        (Source::Ipv4Registry, Prefix::V6(..)) | (Source::Ipv6Registry, Prefix::V4(..)) => {
            return Err(format!("{prefix_text} cannot come from {source_text}"));
        }
        _ => {}
    }
    let reachable_ok = match source {
        Source::Extra => globally_reachable == "-",
        _ => matches!(globally_reachable, "True" | "False" | "N/A" | ""),
    };
    if !reachable_ok {
        return Err(format!(
            "globally_reachable `{globally_reachable}` (True, False, N/A or empty on registry \
             rows, - on extra rows)"
        ));
    }
    if policy == Policy::Allow && globally_reachable != "True" {
        return Err("allow is only for rows the registry marks globally reachable".into());
    }
    if policy == Policy::EmbeddedV4 && !matches!(prefix, Prefix::V6(_, len) if len <= 96) {
        return Err("embedded_v4 needs an IPv6 prefix of at most 96 bits".into());
    }
    Ok(Row {
        prefix,
        prefix_text,
        name,
        rfc,
        globally_reachable,
        policy,
        source,
        comment,
        line,
    })
}

fn parse_prefix(text: &str) -> Result<Prefix, String> {
    let bad = || format!("`{text}` is not a CIDR prefix");
    let (addr, len) = text.split_once('/').ok_or_else(bad)?;
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let len: u8 = len.parse().map_err(|_| bad())?;
    let prefix = if addr.contains(':') {
        let a: Ipv6Addr = addr.parse().map_err(|_| bad())?;
        if len > 128 {
            return Err(bad());
        }
        Prefix::V6(a, len)
    } else {
        let a: Ipv4Addr = addr.parse().map_err(|_| bad())?;
        if len > 32 {
            return Err(bad());
        }
        Prefix::V4(a, len)
    };
    if prefix.first() != Prefix::first(normalised(prefix)) {
        return Err(format!("`{text}` has host bits set"));
    }
    Ok(prefix)
}

/// The prefix with its host bits cleared.
fn normalised(p: Prefix) -> Prefix {
    match p {
        Prefix::V4(a, len) => Prefix::V4(Ipv4Addr::from(u32::from(a) & mask32(len)), len),
        Prefix::V6(a, len) => Prefix::V6(Ipv6Addr::from(u128::from(a) & mask128(len)), len),
    }
}

/// The embedded table, parsed once; most specific prefix first.
fn table() -> Result<&'static [Row<'static>], &'static str> {
    static TABLE: OnceLock<Result<Vec<Row<'static>>, String>> = OnceLock::new();
    let parsed = TABLE.get_or_init(|| {
        parse(DATA).map(|mut rows| {
            // Stable: rows of equal length keep file order (they cannot overlap anyway).
            rows.sort_by_key(|r| std::cmp::Reverse(r.prefix.bits()));
            rows
        })
    });
    match parsed {
        Ok(rows) => Ok(rows),
        Err(e) => Err(e),
    }
}

/// The rows of the embedded table, most specific prefix first, or the parse error.
pub fn rows() -> Result<&'static [Row<'static>], &'static str> {
    table()
}

/// How an address is judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Allowed only with the test-only `allow_loopback` setting.
    LoopbackOnly,
    Refused,
}

/// The verdict on `ip`: the policy of the longest matching prefix (`embedded_v4` rows judge the
/// embedded IPv4 address by the IPv4 rows), [`Verdict::Allowed`] where no row matches, and
/// [`Verdict::Refused`] for everything if the table failed to parse.
pub fn verdict(ip: IpAddr) -> Verdict {
    verdict_in(table(), ip)
}

fn verdict_in(table: Result<&[Row<'_>], &str>, ip: IpAddr) -> Verdict {
    match table {
        Ok(rows) => judge(rows, ip),
        Err(_) => Verdict::Refused,
    }
}

/// `rows` sorted most specific first.
fn judge(rows: &[Row<'_>], ip: IpAddr) -> Verdict {
    let Some(row) = rows.iter().find(|r| r.prefix.contains(ip)) else {
        return Verdict::Allowed;
    };
    match (row.policy, row.prefix, ip) {
        (Policy::Refuse, ..) => Verdict::Refused,
        (Policy::Loopback, ..) => Verdict::LoopbackOnly,
        (Policy::Allow, ..) => Verdict::Allowed,
        (Policy::EmbeddedV4, Prefix::V6(_, len), IpAddr::V6(a)) => {
            judge(rows, IpAddr::V4(embedded_v4(a, len)))
        }
        // The parser allows embedded_v4 on IPv6 prefixes only; fail closed regardless.
        (Policy::EmbeddedV4, ..) => Verdict::Refused,
    }
}

/// The IPv4 address in the 32 bits after the first `len` (at most 96) bits of `a`: the low 32
/// bits for `::ffff:0:0/96` and `64:ff9b::/96`, bits 16..48 for 6to4's `2002::/16`.
fn embedded_v4(a: Ipv6Addr, len: u8) -> Ipv4Addr {
    let shifted = u128::from(a) >> (96 - u32::from(len.min(96)));
    Ipv4Addr::from((shifted & u128::from(u32::MAX)) as u32)
}

/// Whether a webhook may be sent to `ip`: not to any range the table refuses; to loopback only
/// with `allow_loopback` (a test-only setting); IPv4-mapped, NAT64 (`64:ff9b::/96`) and 6to4
/// addresses are judged by the IPv4 address they carry.
pub fn ip_allowed(ip: IpAddr, allow_loopback: bool) -> bool {
    match verdict(ip) {
        Verdict::Allowed => true,
        Verdict::LoopbackOnly => allow_loopback,
        Verdict::Refused => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a test address must get: `R` refused even with `allow_loopback`, `L` allowed only
    /// with it, `A` allowed either way.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum E {
        R,
        L,
        A,
    }
    use Policy::{EmbeddedV4, Loopback, Refuse};
    use E::{A, L, R};

    /// Every row of the table, written out independently of it: the policy the row must carry
    /// and what its first, middle and last address must get (the middle is ignored for single
    /// addresses). Where a more specific row covers one of those addresses, that row decides;
    /// embedded_v4 rows carry 0.0.0.0 first, 128.0.0.0 in the middle and 255.255.255.255 last.
    const EXPECTED: &[(&str, Policy, [E; 3])] = &[
        // IANA IPv4 Special-Purpose Address Registry
        ("0.0.0.0/8", Refuse, [R, R, R]),
        ("0.0.0.0/32", Refuse, [R, R, R]),
        ("10.0.0.0/8", Refuse, [R, R, R]),
        ("100.64.0.0/10", Refuse, [R, R, R]),
        ("127.0.0.0/8", Loopback, [L, L, L]),
        ("169.254.0.0/16", Refuse, [R, R, R]),
        ("172.16.0.0/12", Refuse, [R, R, R]),
        ("192.0.0.0/24", Refuse, [R, R, R]),
        ("192.0.0.0/29", Refuse, [R, R, R]),
        ("192.0.0.8/32", Refuse, [R, R, R]),
        ("192.0.0.9/32", Refuse, [R, R, R]),
        ("192.0.0.10/32", Refuse, [R, R, R]),
        ("192.0.0.170/32", Refuse, [R, R, R]),
        ("192.0.0.171/32", Refuse, [R, R, R]),
        ("192.0.2.0/24", Refuse, [R, R, R]),
        ("192.31.196.0/24", Refuse, [R, R, R]),
        ("192.52.193.0/24", Refuse, [R, R, R]),
        ("192.88.99.0/24", Refuse, [R, R, R]),
        ("192.88.99.2/32", Refuse, [R, R, R]),
        ("192.168.0.0/16", Refuse, [R, R, R]),
        ("192.175.48.0/24", Refuse, [R, R, R]),
        ("198.18.0.0/15", Refuse, [R, R, R]),
        ("198.51.100.0/24", Refuse, [R, R, R]),
        ("203.0.113.0/24", Refuse, [R, R, R]),
        ("240.0.0.0/4", Refuse, [R, R, R]),
        ("255.255.255.255/32", Refuse, [R, R, R]),
        // IANA IPv6 Special-Purpose Address Registry
        ("::1/128", Loopback, [L, L, L]),
        ("::/128", Refuse, [R, R, R]),
        ("::ffff:0:0/96", EmbeddedV4, [R, A, R]),
        ("64:ff9b::/96", EmbeddedV4, [R, A, R]),
        ("64:ff9b:1::/48", Refuse, [R, R, R]),
        ("100::/64", Refuse, [R, R, R]),
        ("100:0:0:1::/64", Refuse, [R, R, R]),
        ("2001::/23", Refuse, [R, R, R]),
        ("2001::/32", Refuse, [R, R, R]),
        ("2001:1::1/128", Refuse, [R, R, R]),
        ("2001:1::2/128", Refuse, [R, R, R]),
        ("2001:1::3/128", Refuse, [R, R, R]),
        ("2001:2::/48", Refuse, [R, R, R]),
        ("2001:3::/32", Refuse, [R, R, R]),
        ("2001:4:112::/48", Refuse, [R, R, R]),
        ("2001:10::/28", Refuse, [R, R, R]),
        ("2001:20::/28", Refuse, [R, R, R]),
        ("2001:30::/28", Refuse, [R, R, R]),
        ("2001:db8::/32", Refuse, [R, R, R]),
        ("2002::/16", EmbeddedV4, [R, A, R]),
        ("2620:4f:8000::/48", Refuse, [R, R, R]),
        ("3fff::/20", Refuse, [R, R, R]),
        ("5f00::/16", Refuse, [R, R, R]),
        ("fc00::/7", Refuse, [R, R, R]),
        ("fe80::/10", Refuse, [R, R, R]),
        // Outside the two registries
        ("224.0.0.0/4", Refuse, [R, R, R]),
        ("::/96", Refuse, [R, R, R]),
        ("fec0::/10", Refuse, [R, R, R]),
        ("ff00::/8", Refuse, [R, R, R]),
        // IANA IPv6 Address Space registry: Reserved by IETF
        ("::/8", Refuse, [R, R, R]),
        ("100::/8", Refuse, [R, R, R]),
        ("200::/7", Refuse, [R, R, R]),
        ("400::/6", Refuse, [R, R, R]),
        ("800::/5", Refuse, [R, R, R]),
        ("1000::/4", Refuse, [R, R, R]),
        ("4000::/3", Refuse, [R, R, R]),
        ("6000::/3", Refuse, [R, R, R]),
        ("8000::/3", Refuse, [R, R, R]),
        ("a000::/3", Refuse, [R, R, R]),
        ("c000::/3", Refuse, [R, R, R]),
        ("e000::/4", Refuse, [R, R, R]),
        ("f000::/5", Refuse, [R, R, R]),
        ("f800::/6", Refuse, [R, R, R]),
        ("fe00::/9", Refuse, [R, R, R]),
    ];

    fn ip(s: &str) -> IpAddr {
        s.parse()
            .unwrap_or_else(|e| panic!("`{s}` is not an address: {e}"))
    }

    fn got(a: IpAddr) -> E {
        match (ip_allowed(a, false), ip_allowed(a, true)) {
            (false, false) => R,
            (false, true) => L,
            (true, true) => A,
            (true, false) => panic!("{a} is allowed without allow_loopback but not with it"),
        }
    }

    fn check(addr: &str, want: E) {
        assert_eq!(got(ip(addr)), want, "{addr}");
    }

    /// The address halfway through `p`: its first address with the bit after the prefix set.
    fn middle(p: Prefix) -> Option<IpAddr> {
        match p {
            Prefix::V4(net, len) if len < 32 => Some(IpAddr::V4(Ipv4Addr::from(
                u32::from(net) | 1 << (31 - u32::from(len)),
            ))),
            Prefix::V6(net, len) if len < 128 => Some(IpAddr::V6(Ipv6Addr::from(
                u128::from(net) | 1 << (127 - u32::from(len)),
            ))),
            _ => None,
        }
    }

    #[test]
    fn the_embedded_table_parses_and_holds_every_registry_row() {
        let rows = rows().unwrap_or_else(|e| panic!("data/iana-special-purpose.csv: {e}"));
        let count = |s: Source| rows.iter().filter(|r| r.source == s).count();
        // 25 registry rows; one lists 192.0.0.170/32 and 192.0.0.171/32 and is two lines here.
        assert_eq!(count(Source::Ipv4Registry), 26);
        assert_eq!(count(Source::Ipv6Registry), 25);
        assert_eq!(count(Source::Extra), 19);
        assert!(DATA.contains("Last Updated 2025-10-09"));
    }

    #[test]
    fn every_row_has_its_expected_policy_at_its_first_middle_and_last_address() {
        let rows = rows().unwrap_or_else(|e| panic!("data/iana-special-purpose.csv: {e}"));
        for row in rows {
            let n = EXPECTED
                .iter()
                .filter(|(p, ..)| *p == row.prefix_text)
                .count();
            assert_eq!(n, 1, "{} must be in EXPECTED once", row.prefix_text);
        }
        for &(prefix, policy, [first, mid, last]) in EXPECTED {
            let row = rows
                .iter()
                .find(|r| r.prefix_text == prefix)
                .unwrap_or_else(|| panic!("{prefix} is missing from the table"));
            assert_eq!(row.policy, policy, "{prefix}: policy");
            let p = row.prefix;
            assert_eq!(
                got(p.first()),
                first,
                "{prefix}: first address {}",
                p.first()
            );
            assert_eq!(got(p.last()), last, "{prefix}: last address {}", p.last());
            if let Some(m) = middle(p) {
                assert_eq!(got(m), mid, "{prefix}: middle address {m}");
            }
        }
    }

    #[test]
    fn embedded_ipv4_addresses_are_judged_by_their_ipv4_part() {
        for (addr, want) in [
            // 6to4: the IPv4 address is bits 16..48.
            ("2002:0a00:0001::1", R), // 10.0.0.1
            ("2002:c0a8:0101::", R),  // 192.168.1.1
            ("2002:a9fe:a9fe::1", R), // 169.254.169.254
            ("2002:5db8:d822::1", A), // 93.184.216.34
            // The test-only loopback setting follows the embedded address, like every verdict.
            ("2002:7f00:1::1", L), // 127.0.0.1
            // IPv4-mapped: the low 32 bits.
            ("::ffff:10.0.0.1", R),
            ("::ffff:169.254.169.254", R),
            ("::ffff:100.64.0.1", R),
            ("::ffff:0:0", R),
            ("::ffff:0.0.0.1", R),
            ("::ffff:255.255.255.255", R),
            ("::ffff:93.184.216.34", A),
            ("::ffff:127.0.0.1", L),
            // NAT64 well-known prefix: the low 32 bits.
            ("64:ff9b::a00:1", R),     // 10.0.0.1
            ("64:ff9b::a9fe:a9fe", R), // 169.254.169.254
            ("64:ff9b::5db8:d822", A), // 93.184.216.34
            // Local-use NAT64 and Teredo are refused outright, whatever they carry.
            ("64:ff9b:1::1", R),
            ("64:ff9b:1:ffff::5db8:d822", R),
            ("2001::1", R),
            ("2001:0:4136:e378:8000:63bf:3fff:fdd2", R),
            // IPv4-compatible (deprecated) is refused outright, even for a public or loopback
            // IPv4 address.
            ("::a00:1", R),
            ("::5db8:d822", R),
            ("::7f00:1", R),
        ] {
            check(addr, want);
        }
    }

    #[test]
    fn the_ranges_the_adversarial_probe_registered_are_refused() {
        for addr in [
            "2002:0a00:0001::1",
            "2001::1",
            "64:ff9b:1::1",
            "::ffff:10.0.0.1",
            "100::1",
            "2001:2::1",
            "2001:10::1",
            "2001:1f::1",
            "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff",
        ] {
            check(addr, R);
        }
    }

    #[test]
    fn public_addresses_are_allowed() {
        for addr in [
            "1.1.1.1",
            "93.184.216.34",
            "8.8.8.8",
            "2606:2800:220:1:248:1893:25c8:1946",
            "2a00:1450:4001::1",
            "2001:4860:4860::8888",
            "2001:200::1", // just past 2001::/23
        ] {
            check(addr, A);
        }
    }

    #[test]
    fn loopback_opens_with_the_test_setting_and_nothing_else_does() {
        for addr in ["127.0.0.1", "127.255.255.254", "::1", "::ffff:127.0.0.1"] {
            check(addr, L);
        }
        for addr in [
            "10.0.0.1",
            "0.0.0.0",
            "169.254.169.254",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "::7f00:1",
            "2001::1",
        ] {
            check(addr, R);
        }
    }

    #[test]
    fn the_table_follows_its_own_rules() {
        let rows = rows().unwrap_or_else(|e| panic!("data/iana-special-purpose.csv: {e}"));
        for r in rows {
            if r.policy == Policy::Allow {
                assert_eq!(r.globally_reachable, "True", "{}", r.prefix_text);
            }
            // A row the registry marks not globally reachable is never simply allowed.
            if r.globally_reachable == "False" {
                assert_ne!(r.policy, Policy::Allow, "{}", r.prefix_text);
            }
            assert!(r.comment.len() > 5, "{}: say why", r.prefix_text);
        }
        // Most specific first, as `judge` needs.
        assert!(rows
            .windows(2)
            .all(|w| w[0].prefix.bits() >= w[1].prefix.bits()));
    }

    const HEADER: &str = "prefix,name,rfc,globally_reachable,policy,source,comment\n";

    fn parse_one(line: &str) -> Result<usize, String> {
        parse(&format!("# comment\n{HEADER}{line}\n")).map(|r| r.len())
    }

    #[test]
    fn a_good_row_parses() {
        assert_eq!(
            parse_one("10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private"),
            Ok(1)
        );
        assert_eq!(
            parse_one("192.0.0.9/32,PCP,RFC7723,True,allow,iana-ipv4-special,anycast"),
            Ok(1)
        );
    }

    #[test]
    fn malformed_tables_are_errors() {
        for bad in [
            // field count
            "10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special",
            "10.0.0.0/8,Private, Use,RFC1918,False,refuse,iana-ipv4-special,private",
            // prefixes
            "10.0.0.0,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private",
            "10.0.0.0/33,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private",
            "10.0.0.0/+8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private",
            "10.0.0.1/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private",
            "10.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private",
            "fc00::/129,Unique-Local,RFC4193,False,refuse,iana-ipv6-special,private",
            "fc00::1/7,Unique-Local,RFC4193,False,refuse,iana-ipv6-special,private",
            // policy and source
            "10.0.0.0/8,Private-Use,RFC1918,False,deny,iana-ipv4-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana,private",
            "10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv6-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,False,allow,iana-ipv4-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,N/A,allow,iana-ipv4-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,False,embedded_v4,iana-ipv4-special,private",
            "2001::/100,X,RFC1,False,embedded_v4,iana-ipv6-special,too long to embed",
            // globally_reachable
            "10.0.0.0/8,Private-Use,RFC1918,false,refuse,iana-ipv4-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,-,refuse,iana-ipv4-special,private",
            "224.0.0.0/4,Multicast,RFC5771,False,refuse,extra,multicast",
            // empty citation, name or comment
            "10.0.0.0/8,Private-Use,,False,refuse,iana-ipv4-special,private",
            "10.0.0.0/8,,RFC1918,False,refuse,iana-ipv4-special,private",
            "10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,",
        ] {
            assert!(parse_one(bad).is_err(), "accepted: {bad}");
        }
        // Repeated prefix, missing or wrong header, no rows.
        let row = "10.0.0.0/8,Private-Use,RFC1918,False,refuse,iana-ipv4-special,private\n";
        assert!(parse(&format!("{HEADER}{row}{row}")).is_err());
        assert!(parse(row).is_err());
        assert!(parse(&format!("{}{row}", HEADER.replace("rfc", "ref"))).is_err());
        assert!(parse(HEADER).is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn a_table_that_does_not_parse_refuses_everything() {
        for addr in ["93.184.216.34", "2a00:1450:4001::1", "127.0.0.1"] {
            assert_eq!(verdict_in(Err("broken"), ip(addr)), Verdict::Refused);
        }
        let parsed = parse("");
        let table = parsed.as_deref().map_err(String::as_str);
        assert_eq!(verdict_in(table, ip("1.1.1.1")), Verdict::Refused);
    }
}
