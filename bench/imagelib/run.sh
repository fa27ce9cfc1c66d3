#!/usr/bin/env bash
# bench/imagelib/run.sh — libvips against GraphicsMagick on this machine (docs/media.md):
# makes three real-size test photos with ImageMagick's convert (a 4000x3000 JPEG, a
# 2400x1800 PNG, a 3000x2000 WebP), then for each library, file and job (page variant,
# 1200x630 cover crop) runs a fresh process doing the job RUNS times and prints the median
# wall time and the process's peak RSS (GNU time's %M).  Needs libvips-dev and
# libgraphicsmagick1-dev (the second only for this measurement).
set -euo pipefail
runs=${RUNS:-9}
dir=${OUT:-$(mktemp -d)}
here=$(cd "$(dirname "$0")" && pwd)
cc -O2 -o "$dir/vips" "$here/vips.c" $(pkg-config --cflags --libs vips)
cc -O2 -o "$dir/gm" "$here/gm.c" $(pkg-config --cflags --libs GraphicsMagick)
cd "$dir"
[ -f photo.jpg ] || convert -size 4000x3000 plasma:fractal -blur 0x0.5 -quality 90 photo.jpg
[ -f photo.webp ] || convert photo.jpg -resize 3000x2000^ -gravity center -extent 3000x2000 -quality 85 photo.webp
[ -f photo.png ] || convert photo.jpg -resize 2400x1800 photo.png
printf '%-6s %-10s %-7s %10s %10s\n' lib file job median_ms peak_MiB
for f in photo.jpg photo.png photo.webp; do
  for job in page social; do
    for lib in vips gm; do
      ms=$(/usr/bin/time -f '%M' -o rss.txt "./$lib" "$f" "$job" "$runs" 2>/dev/null)
      printf '%-6s %-10s %-7s %10s %10.1f\n' "$lib" "$f" "$job" "$ms" "$(echo "$(tail -1 rss.txt)/1024" | bc -l)"
    done
  done
done
