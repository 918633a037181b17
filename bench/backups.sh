# Sourced by the scale benches: makes N small real backups with sidecars.
# Copies of the committed pg_dump fixture, 70% daily, 20% weekly, 10% monthly, one hour apart,
# newest now. Expects to run from the project root.

fixture=src/test/resources/fixtures/shop.sql.gz
fixture_size=$(stat -c %s "$fixture")
fixture_sha=$(sha256sum "$fixture" | cut -d' ' -f1)

generate() { # N dir
  local n=$1 dir=$2 i cat name created names=()
  [ -f "$dir/.complete" ] && return
  rm -rf "$dir"; mkdir -p "$dir/daily" "$dir/weekly" "$dir/monthly"
  local now t at; printf -v now '%(%s)T' -1
  for ((i = 0; i < n; i++)); do
    case $((i % 10)) in 7|8) cat=weekly ;; 9) cat=monthly ;; *) cat=daily ;; esac
    t=$((now - 3600 * (n - i)))
    printf -v created '%(%Y%m%d_%H%M%S)T' "$t"
    printf -v at '%(%Y-%m-%dT%H:%M:%SZ)T' "$t"
    name="$cat/shop_${i}_$created.sql.gz"
    names+=("$dir/$name")
    printf '{\n  "file": "%s",\n  "created_at": "%s",\n  "sha256": "%s",\n  "size_bytes": %s,\n  "database": "shop",\n  "category": "%s"\n}\n' \
      "$(basename "$name")" "$at" "$fixture_sha" "$fixture_size" "$cat" \
      > "$dir/$name.meta.json"
  done
  # one tee writes many copies; an old modification time: nothing is still being written
  printf '%s\0' "${names[@]}" | xargs -0 -n 500 sh -c 'tee "$@" < "'"$fixture"'" > /dev/null' sh
  printf '%s\0' "${names[@]}" | xargs -0 -n 500 touch -d '-1 hour'
  touch "$dir/.complete"
}
