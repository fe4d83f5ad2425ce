#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora in fuzz/seeds/<target>/ from the shared test data
# (its folder in $APIE_SHARED, by default ../shared beside the checkout) and the repository's
# own specs. Nothing here is committed: the fuzzer reads the seeds beside its corpus,
#   RUSTC_BOOTSTRAP=1 cargo fuzz run <target> corpus/<target> seeds/<target>
# and writes what it finds into corpus/<target>, which is minimised before a commit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
shared="${APIE_SHARED:-$repo/../shared}"
seeds="$here/seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{spec_bytes,spec_mutations,decode,mock_request,batch_input}
# spec_bytes: every published version of the spec, and the fixtures and pinned specs.
if [ -d "$shared/specs/api-entreprise" ]; then
  cp "$shared"/specs/api-entreprise/*.yml "$seeds/spec_bytes/"
else
  echo "note: no spec history in $shared/specs/api-entreprise: seeding with the repository's specs" >&2
fi
find "$repo/codegen/tests/fixtures" -name '*.yml' -exec cp {} "$seeds/spec_bytes/" \;
cp "$repo"/spec/api-entreprise*.yml "$seeds/spec_bytes/"
# spec_mutations draws mutation plans from bytes: no seed needed beyond the empty plan.
printf '' > "$seeds/spec_mutations/empty"
# decode, mock_request, batch_input: from the staging payloads and the client's operations.
cargo run --quiet --manifest-path "$here/Cargo.toml" -p api-entreprise-fuzz-seed -- "$shared" "$seeds"
du -sh "$seeds"/* >&2
