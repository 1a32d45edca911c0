#!/bin/bash
# Peak RSS of Denoise Image (the whole launcher process, default keys) on the side-by-side benchmark's images of
# 2048² and 4096² (recipes/side-by-side.sh's BenchImages), alternating ROUNDS times (default 3), and the growth
# per added pixel from the medians: native memory should follow the tile, not the image.
# First: mvn -o -q -B package -DskipTests && mvn -o -q -B test-compile dependency:build-classpath \
#          -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
set -e
cd "$(dirname "$0")/.."
OUT=${OUT:-target/side-by-side}
ROUNDS=${ROUNDS:-3}
JAR=$(ls target/Diffusion_for_ImageJ-*.jar | grep -v -e tests -e sources | head -1)
mkdir -p "$OUT"
for n in 2048 4096; do
  [ -f "$OUT/noisy-$n.tif" ] || java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" \
    org.diffusionij.recipes.BenchImages "$OUT" "$n"
done
for r in $(seq 1 "$ROUNDS"); do
  for n in 2048 4096; do
    rm -f "$OUT/rss-$n.tif"
    /usr/bin/time -v -o "$OUT/rss-$n-$r.time" java -cp "$JAR:target/jars/*" org.diffusionij.host.Launcher \
      --run "Denoise Image" "input=$OUT/noisy-$n.tif output=$OUT/rss-$n.tif" > "$OUT/rss-$n-$r.out" 2>&1
  done
done
/usr/bin/python3 - "$OUT" "$ROUNDS" <<'PY'
import re, statistics, sys
out, rounds = sys.argv[1], int(sys.argv[2])
def rss(n, r):
    t = open(f"{out}/rss-{n}-{r}.time").read()
    return int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
m = {}
for n in (2048, 4096):
    each = [rss(n, r) for r in range(1, rounds + 1)]
    m[n] = statistics.median(each)
    print(f"{n}x{n}: peak RSS median {m[n]:.0f} MiB (runs: {', '.join(f'{x:.0f}' for x in each)})")
print(f"growth: {(m[4096] - m[2048]) * 2**20 / (4096**2 - 2048**2):.1f} bytes per added pixel")
PY
