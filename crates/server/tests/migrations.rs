//! The migrations are written once for both databases and rendered per database. Databases
//! migrated by earlier releases (from the former per-database folders) recorded a SHA-384 of each
//! migration's text; a rendered text that differs would stop those databases at start-up
//! ("migration was previously applied but has been modified"), so the checksums are held here.

use landed_server::store::migrations::{rendered, Dialect};
use sha2::{Digest, Sha384};

const APPLIED: [(Dialect, i64, &str); 6] = [
    (Dialect::Sqlite, 1, "32e71a701c8a1fba892ac6ff2930e37ee1473418c4a10419f53a88b17d109d78e6a6f597c555b4451c82ce0e626df975"),
    (Dialect::Sqlite, 2, "1be1c58f63d7d79ff2f9a97709e5c14432ff5ac00a76e68f0c766a05bd95e4342c10b7f374a1cea330d9b7379bdd7a1e"),
    (Dialect::Sqlite, 3, "d6a1d25129e75007703e00d7f4bcf4821f7d72eada2ad451086c01454df061ee2ba2a05df63793f617c357f6e7fc6f10"),
    (Dialect::Postgres, 1, "28eb80ba984315974ce6029cfac88abeeb0d75581551f20ca68a01f06686cb2087e61d42095b2f04ccd4c8c10795feee"),
    (Dialect::Postgres, 2, "bceb8bad18f7f21ab121daaa951924c795f73b155b0e28e600c88c519e3b2caf0e64b728e24b232113a18251b70c07e8"),
    (Dialect::Postgres, 3, "4f918b254d6af05717db31faa4bec55020f9c61ec5cf3d22eba0b998f0babfe9b964928dc79af72f0b54fdff3c6356bc"),
];

#[test]
fn applied_migrations_keep_their_checksums() {
    for (dialect, version, checksum) in APPLIED {
        let all = rendered(dialect);
        let (_, _, sql) = all.iter().find(|m| m.0 == version).expect("migration");
        assert_eq!(
            hex::encode(Sha384::digest(sql.as_bytes())),
            checksum,
            "{dialect:?} {version}"
        );
        assert!(!sql.contains("@sqlite") && !sql.contains("@postgres") && !sql.contains("@note"));
    }
}

#[test]
fn most_of_the_schema_is_shared() {
    // The dialects differ in a few lines (identity columns, triggers, float type, comments).
    let (s, p) = (rendered(Dialect::Sqlite), rendered(Dialect::Postgres));
    for ((v, _, a), (_, _, b)) in s.iter().zip(&p) {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
        let shared = a.iter().filter(|l| b.contains(l)).count();
        assert!(
            shared * 10 >= a.len() * 8,
            "migration {v}: {shared} of {} lines shared",
            a.len()
        );
        assert!(
            a.iter().any(|l| l.contains("AUTOINCREMENT")) == (*v != 2)
                && b.iter().all(|l| !l.contains("AUTOINCREMENT"))
        );
    }
}
