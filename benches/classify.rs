//! Native benchmarks of the HS classifier (tract-onnx): one marketplace title, one long technical
//! description, and loading the model. Run: `cargo bench --bench classify`. Results go in BENCHMARKS.md.

use criterion::{criterion_group, criterion_main, Criterion};
use landed::classify::{default_classifier, Classify};
use std::hint::black_box;

const TITLE: &str =
    "Men's 100% Cotton Crew Neck T-Shirt, Short Sleeve | Clothing > Men > Tops & Tees";
const LONG: &str = "The merchandise is a stainless steel chef's knife with a fixed 20 cm blade of high-carbon \
stainless steel, a riveted wooden handle and a full tang. It is designed for cutting, slicing and dicing food in \
household kitchens and is imported without a sheath or other accessories. The knife is packaged for retail sale \
in a cardboard box with a window; it has no serrated edge and is not part of a set.";

fn benches(c: &mut Criterion) {
    let clf = default_classifier().expect("model");
    c.bench_function("classify/marketplace title, top 5", |b| {
        b.iter(|| clf.classify(black_box(TITLE), 5, "text"))
    });
    c.bench_function("classify/long description (70 words), top 5", |b| {
        b.iter(|| clf.classify(black_box(LONG), 5, "text"))
    });
    let mut g = c.benchmark_group("classify-load");
    g.sample_size(10);
    g.bench_function("classify/load + optimise the model", |b| {
        b.iter(|| default_classifier().expect("model"))
    });
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
