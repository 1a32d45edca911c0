#!/bin/bash
# Side by side on this machine, one after the other: Denoise Image (the whole launcher process, JVM start
# included, default keys) against diffusers' same job (../shared/refenv/diffusers_denoise.py, told sigma=25, its
# time after imports; whole image and TILE=512, freed memory kept), then the realistic UNet2DModel forward at
# batch 1 and 8 (UNetBenchmark against diffusers_unet_bench.py). Prints one markdown table: wall, peak RSS and
# minor page faults from /usr/bin/time -v (whole processes), PSNR against the clean image (8-bit range).
# ROUNDS=3 runs the plugin and diffusers' TILE=512 three times, alternating, and reports each side's median
# (this VM's speed drifts by ±20 % within minutes); diffusers' whole image runs once (21 GB, 50 s).
#
# First: mvn -o -q -B package -DskipTests && mvn -o -q -B test-compile dependency:build-classpath \
#          -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
# and the reference environment (../shared/refenv/README.md). Then, alone on the machine:
#   recipes/side-by-side.sh            # N=2048 (4 megapixels); N=4096 for 16
set -e
cd "$(dirname "$0")/.."
N=${N:-2048}
OUT=${OUT:-target/side-by-side}
REF=${REFENV:-../shared/refenv}
export REFENV_SITE=${REFENV_SITE:-$HOME/.cache/refenv/site-hubhead}
TUNE=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736
JAR=$(ls target/Diffusion_for_ImageJ-*.jar | grep -v -e tests -e sources | head -1)
TCP="target/test-classes:target/classes:$(cat target/cp.txt)"
mkdir -p "$OUT"
[ -f "$OUT/noisy-$N.tif" ] || java -cp "$TCP" org.diffusionij.recipes.BenchImages "$OUT" "$N"

run() { # NAME COMMAND...: /usr/bin/time -v into NAME.time, output into NAME.out
  local name=$1; shift
  /usr/bin/time -v -o "$OUT/$name.time" "$@" > "$OUT/$name.out" 2>&1 || { cat "$OUT/$name.out"; exit 1; }
}
PY=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=$TUNE /usr/bin/python3)

ROUNDS=${ROUNDS:-1}
for r in $(seq 1 "$ROUNDS"); do
  rm -f "$OUT/plugin-$N.tif"
  run plugin-$r java -cp "$JAR:target/jars/*" org.diffusionij.host.Launcher --run "Denoise Image" \
    "input=$OUT/noisy-$N.tif output=$OUT/plugin-$N.tif"
  [ "$r" = 1 ] && run diffusers-whole "${PY[@]}" "$REF/diffusers_denoise.py" models/denoise-gray "$OUT/noisy-$N.tif" "$OUT/diffusers-whole-$N.tif" 25 2
  run diffusers-tile512-$r "${PY[@]}" "$REF/diffusers_denoise.py" models/denoise-gray "$OUT/noisy-$N.tif" "$OUT/diffusers-tile512-$N.tif" 25 2 512
done
run unet-plugin java -cp "$TCP" org.diffusionij.nn.UNetBenchmark
run unet-diffusers "${PY[@]}" "$REF/diffusers_unet_bench.py" 2

/usr/bin/python3 - "$OUT" "$N" "$ROUNDS" <<'PY'
import re, sys, statistics
import numpy as np
from PIL import Image
out, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def time_v(name):
    t = open(f"{out}/{name}.time").read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", t).group(1).split(":")
    secs = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    faults = int(re.search(r"Minor \(reclaiming a frame\) page faults: (\d+)", t).group(1))
    return secs, rss, faults
clean = np.asarray(Image.open(f"{out}/clean-{n}.tif"), np.float64)
def psnr(name):
    x = np.asarray(Image.open(f"{out}/{name}-{n}.tif"), np.float64)
    return 10 * np.log10(255 ** 2 / np.mean((x - clean) ** 2))
def job(name):
    return float(re.search(r"job_s=([\d.]+)", open(f"{out}/{name}.out").read()).group(1))
def median_run(names, seconds):
    """the run of median seconds among names (ROUNDS of them), with every run's seconds"""
    ordered = sorted(names, key=seconds)
    return ordered[len(ordered) // 2], ", ".join(f"{seconds(x):.1f}" for x in names)
rows = []
plugins = [f"plugin-{r}" for r in range(1, rounds + 1)]
mid, each = median_run(plugins, lambda x: time_v(x)[0])
w, r, f = time_v(mid)
rows.append(("Denoise Image, default keys (whole process" + (f"; median of {each} s" if rounds > 1 else "") + ")",
             f"{w:.1f} s", r, f, f"{psnr('plugin'):.2f}"))
plugin_s = w
tiles = [f"diffusers-tile512-{r}" for r in range(1, rounds + 1)]
for names, label, image in ((["diffusers-whole"], "diffusers, whole image", "diffusers-whole"),
                            (tiles, "diffusers, TILE=512", "diffusers-tile512")):
    mid, each = median_run(names, job)
    w, r, f = time_v(mid)
    rows.append((label + " (after imports; process " + f"{w:.1f} s" + (f"; median of {each} s" if len(names) > 1 else "")
                 + ")", f"{job(mid):.1f} s", r, f, f"{psnr(image):.2f}"))
plug = open(f"{out}/unet-plugin.out").read()
ref = open(f"{out}/unet-diffusers.out").read()
for b in (1, 8):
    pm = re.search(r"\| realistic DDPM \(64x64x3\) \| [^|]+ \| %d \| ([\d.]+) \|" % b, plug).group(1)
    dm = re.search(r"batch %d: (\d+) ms" % b, ref).group(1)
    rows.append((f"UNet forward batch {b}: plugin / diffusers", f"{float(pm):.0f} / {dm} ms", None, None, ""))
_, rp, fp = time_v("unet-plugin"); _, rd, fd = time_v("unet-diffusers")
print(f"| what ({n}x{n}) | wall | peak RSS MiB | minor faults | PSNR dB |\n|---|---|---|---|---|")
for label, wall, rss, faults, p in rows:
    print(f"| {label} | {wall} | {'' if rss is None else f'{rss:.0f}'} | {'' if faults is None else faults} | {p} |")
print(f"| UNet benchmark processes: plugin / diffusers | | {rp:.0f} / {rd:.0f} | {fp} / {fd} | |")
best = min(job("diffusers-whole"), statistics.median(job(x) for x in tiles))
print(f"\nplugin / diffusers' faster way: {plugin_s / best:.2f}x")
PY
