#!/usr/bin/env bash
# After `cargo fuzz cmin`, keeps the committed corpora small: in each corpus/<target>/ only the
# entries up to that target's size cap stay. The larger ones are, for the spec targets, cut or
# mutated copies of the published specs and, for decode, long staging bodies: seed.sh brings
# their like back from the shared data at run time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
shared="${APIE_SHARED:-$(dirname "$here")/../shared}"
cd "$here/corpus"
# No verbatim copy of a shared file stays (cmin may keep a seed that the fuzzer wrote back):
# libFuzzer names each entry by the sha1 of its content.
if [ -d "$shared" ]; then
  find "$shared" -type f -exec sha1sum {} + | while read -r sum _; do
    find . -type f -name "$sum" -delete
  done
fi
declare -A cap=(
  [spec_bytes]=65536     # small specs and fragments; the published ones come from the seeds
  [spec_mutations]=4096  # mutation plans, all small
  [decode]=512           # bodies: the short ones reach most decoders' branches
  [mock_request]=2048    # requests
  [batch_input]=65536    # files, lines past the 8 KiB bound included
)
for target in "${!cap[@]}"; do
  [ -d "$target" ] || continue
  find "$target" -type f -size +"${cap[$target]}"c -delete
  echo "$target: $(find "$target" -type f | wc -l) entries, $(du -s --apparent-size --block-size=1K "$target" | cut -f1) KiB"
done
