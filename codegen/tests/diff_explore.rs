// Temporary exploration (deleted before handing back).
use std::path::Path;
#[test]
fn explore() {
    let Ok(dir) = std::env::var("DIFF_HISTORY") else { return };
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| !p.ends_with("latest.yml")).collect();
    files.sort();
    let apis: Vec<_> = files.iter().map(|f| apie_codegen::model_from_file(f).unwrap().api).collect();
    std::fs::create_dir_all("/tmp/hist").unwrap();
    for (i, w) in apis.windows(2).enumerate() {
        let report = apie_codegen::diff::diff(&w[0], &w[1]);
        let name = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
        let labels = apie_codegen::diff::format::Labels { old: name(&files[i]), new: name(&files[i + 1]) };
        for (fmt, ext) in [("text", "txt"), ("json", "json")] {
            let out = apie_codegen::diff::format::render(&report, apie_codegen::diff::format::Format::from_id(fmt).unwrap(), &labels);
            std::fs::write(format!("/tmp/hist/{:02}_{}.{ext}", i, name(&files[i + 1])), out).unwrap();
        }
    }
}
