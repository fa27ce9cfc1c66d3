#!/bin/sh
# make-photos.sh — draw the demo site's photos ourselves, with ImageMagick 6 (`convert`).
#
# usage: scripts/make-photos.sh [--force] OUTDIR [PHOTOS.tsv]
#
# PHOTOS.tsv (default demo/photos.tsv beside this script's repository) has one photo a line:
#   <article file name> TAB <seed> TAB <scene>        ('#' lines and blank lines ignored)
# scene is one of: sky city sea field stadium desert solar abstract network books building
# oldtown
#
# For each line it writes OUTDIR/<article basename>.jpg: 1200×675, JPEG quality 80, an
# illustration (gradient sky, plasma clouds or textures, shapes for skylines, horizons,
# dunes, stadium lines, a soft vignette and a little grain).
#
# Invariants: the picture depends only on (seed, scene) — the same line always gives the
# same pixels on the same ImageMagick; nothing is fetched from anywhere.  Each JPEG carries
# the comment "khabar-demo seed=<seed> scene=<scene>", and a file whose comment already
# matches its line is left alone (so re-runs are fast), unless --force is given.  A bad
# line stops the script with a message naming the line; it exits 0 only when every photo
# exists afterwards.
set -eu

W=1200
H=675
force=0
if [ "${1:-}" = "--force" ]; then
    force=1
    shift
fi
if [ $# -lt 1 ] || [ "$1" = "-h" ] || [ "$1" = "--help" ]; then
    echo "usage: $0 [--force] OUTDIR [PHOTOS.tsv]" >&2
    exit 2
fi
out=$1
here=$(cd "$(dirname "$0")/.." && pwd)
tsv=${2:-$here/demo/photos.tsv}
command -v convert >/dev/null 2>&1 || {
    echo "make-photos: convert not found (apt-get install imagemagick)" >&2
    exit 1
}
[ -r "$tsv" ] || {
    echo "make-photos: $tsv: cannot read" >&2
    exit 1
}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# scene_mvg SEED SCENE: print shell assignments (sky colours, layer switches) on the first
# lines and MVG drawing primitives into $tmp/fg.mvg.NNN (shapes over the sky, in chunks of
# 400 primitives: Debian's ImageMagick policy forbids -draw @file, and one argument may not
# exceed 128 KiB) and $tmp/glow.mvg (lights, blurred and added on top).  All randomness comes from awk's
# srand(seed), so a seed always draws the same shapes.
scene_mvg() {
    awk -v seed="$1" -v scene="$2" -v W="$W" -v H="$H" \
        -v fg="$tmp/fg.mvg" -v glow="$tmp/glow.mvg" '
    function r(a, b) { return a + (b - a) * rand() }
    function ri(a, b) { return int(r(a, b + 1)) }
    function clamp(v) { return v < 0 ? 0 : (v > 255 ? 255 : int(v)) }
    function rgb(R, G, B) { return sprintf("#%02x%02x%02x", clamp(R), clamp(G), clamp(B)) }
    function rgba(R, G, B, a) { return sprintf("rgba(%d,%d,%d,%.2f)", clamp(R), clamp(G), clamp(B), a) }
    # a hue-shifted colour: base (R,G,B) moved by up to j per channel
    function jit(R, G, B, j) { return rgb(R + r(-j, j), G + r(-j, j), B + r(-j, j)) }
    # every primitive carries its own stroke/fill, so the file can be cut into chunks
    function F(s) {
        if (s !~ /stroke /) s = "stroke none " s
        if (nf % 400 == 0) { if (cur != "") close(cur); cur = sprintf("%s.%03d", fg, nf / 400) }
        print s > cur; nf++
    }
    function L(s) { print s > glow }
    # a ridge polygon across the width at height y0 with amplitude amp, filled with col
    function ridge(y0, amp, col, rough,   x, y, pts, ph1, ph2, f1, f2) {
        ph1 = r(0, 6.28); ph2 = r(0, 6.28); f1 = r(1.2, 2.6); f2 = r(3, 7)
        pts = "0," H
        for (x = 0; x <= W; x += 20) {
            y = y0 + amp * sin(f1 * 6.28 * x / W + ph1) + amp * 0.35 * sin(f2 * 6.28 * x / W + ph2)
            if (rough) y += r(-rough, rough)
            pts = pts " " x "," int(y)
        }
        F("fill " col " polygon " pts " " W "," H)
    }
    function sun(cx, cy, rad, col, halo) {
        L("fill " halo " circle " cx "," cy " " cx + rad * 2.6 "," cy)
        F("fill " col " circle " cx "," cy " " cx + rad "," cy)
    }
    BEGIN {
        srand(seed)
        printf "" > glow
        top = "#3b6fb6"; bot = "#cfe3f5"; clouds = 0; plasma = 0; glowblur = 30
        F("stroke none")
        if (scene == "sky") {
            t = ri(0, 2)
            if (t == 0) { top = jit(40, 100, 190, 15); bot = jit(200, 225, 245, 10) }
            else if (t == 1) { top = jit(60, 70, 150, 15); bot = jit(250, 190, 140, 12) }
            else { top = jit(25, 60, 120, 10); bot = jit(240, 160, 120, 15) }
            clouds = 1
            if (t > 0) sun(r(200, 1000), r(430, 520), 38, "rgba(255,235,190,0.95)", "rgba(255,200,140,0.55)")
            ridge(r(560, 600), r(8, 18), rgba(40, 55, 70, 0.85), 2)
            ridge(r(610, 630), r(6, 12), rgba(25, 35, 45, 0.95), 1)
        } else if (scene == "sea") {
            top = jit(70, 130, 200, 15); bot = jit(235, 215, 190, 10); clouds = ri(0, 1)
            hz = int(r(330, 390)); sx = r(250, 950)
            sun(sx, hz - r(60, 140), 34, "rgba(255,245,215,1)", "rgba(255,225,170,0.6)")
            F("fill " jit(30, 90, 140, 12) " rectangle 0," hz " " W "," H)
            F("fill " rgba(20, 60, 110, 0.5) " rectangle 0," hz + (H - hz) * 0.55 " " W "," H)
            for (i = 0; i < 90; i++) {
                y = hz + 4 + (H - hz) * (i / 90) ^ 1.6; len = r(20, 90) * (1 + (y - hz) / 120)
                x = r(-40, W); a = r(0.12, 0.35)
                F("stroke " rgba(255, 255, 255, a) " stroke-width " 1 + int((y - hz) / 140) " line " int(x) "," int(y) " " int(x + len) "," int(y))
            }
            F("stroke none")
            for (i = 0; i < 40; i++) {
                y = hz + 3 + (H - hz) * (i / 40) ^ 1.3; w = 14 + (y - hz) * 0.4
                L("fill " rgba(255, 240, 200, 0.55) " rectangle " int(sx - w * r(0.3, 1)) "," int(y) " " int(sx + w * r(0.3, 1)) "," int(y + 3))
            }
            glowblur = 6
            if (ri(0, 1)) {   # a far headland
                x0 = r(-100, 300)
                F("fill " rgba(60, 80, 100, 0.8) " polygon " int(x0) "," hz " " int(x0 + 120) "," hz - 30 " " int(x0 + 260) "," hz - 42 " " int(x0 + 420) "," hz)
            }
        } else if (scene == "city" || scene == "building") {
            t = ri(0, 1)
            if (t == 0) { top = jit(50, 60, 120, 12); bot = jit(245, 170, 120, 12) }
            else { top = jit(70, 130, 200, 12); bot = jit(215, 230, 245, 8) }
            clouds = (t == 1)
            if (t == 0) sun(r(300, 900), r(420, 480), 40, "rgba(255,220,170,0.95)", "rgba(255,170,120,0.55)")
            base = H - 40
            if (scene == "city") {
                for (layer = 0; layer < 3; layer++) {
                    shade = 120 - layer * 45
                    x = r(-60, 0)
                    while (x < W) {
                        bw = r(50, 140); bh = r(120, 380) * (0.55 + layer * 0.3)
                        col = (t == 0) ? rgb(shade * 0.55 + 20, shade * 0.5 + 15, shade * 0.75 + 30) : rgb(shade * 0.8 + 40, shade * 0.85 + 50, shade + 60)
                        F("fill " col " rectangle " int(x) "," int(base - bh) " " int(x + bw) "," base)
                        if (ri(0, 3) == 0) F("fill " col " rectangle " int(x + bw * 0.4) "," int(base - bh - r(20, 70)) " " int(x + bw * 0.45) "," int(base - bh))
                        if (layer == 2) {
                            for (wy = base - bh + 14; wy < base - 16; wy += 22)
                                for (wx = x + 8; wx < x + bw - 14; wx += 18)
                                    if (rand() < (t == 0 ? 0.45 : 0.25))
                                        F("fill " (t == 0 ? rgba(255, 214, 140, r(0.6, 0.95)) : rgba(220, 235, 250, r(0.3, 0.6))) " rectangle " int(wx) "," int(wy) " " int(wx + 8) "," int(wy + 11))
                        }
                        x += bw + r(2, 24)
                    }
                }
            } else {   # one modern building, glass grid, seen from the street
                bx = r(250, 420); bw = r(420, 600); btop = r(60, 140)
                F("fill " jit(215, 222, 228, 6) " rectangle " int(bx) "," int(btop) " " int(bx + bw) "," base)
                for (wy = btop + 24; wy < base - 40; wy += 46)
                    for (wx = bx + 20; wx < bx + bw - 40; wx += 62)
                        F("fill " rgba(60 + r(0, 40), 110 + r(0, 40), 160 + r(0, 40), 0.85) " rectangle " int(wx) "," int(wy) " " int(wx + 48) "," int(wy + 32))
                F("fill " jit(120, 130, 140, 6) " rectangle " int(bx - 40) "," base - 70 " " int(bx + bw + 40) "," base - 60)
                F("fill " jit(160, 70, 60, 10) " rectangle " int(bx + bw / 2 - 50) "," base - 56 " " int(bx + bw / 2 + 50) "," base)
                F("fill " rgba(255, 255, 255, 0.9) " rectangle " int(bx + bw / 2 - 12) "," base - 46 " " int(bx + bw / 2 + 12) "," base - 10)
                # palms left and right
                for (k = 0; k < 2; k++) {
                    px = (k == 0) ? bx - r(90, 160) : bx + bw + r(90, 160)
                    F("fill " rgba(80, 60, 40, 1) " rectangle " int(px - 5) "," base - 190 " " int(px + 5) "," base)
                    for (a = 0; a < 9; a++) {   # drooping fronds
                        dx = (a - 4) / 4; len = r(70, 95); ty = base - 190
                        F("stroke " rgba(35, 105, 55, 0.95) " stroke-width " ri(6, 9) " fill none path \"M " int(px) "," ty " Q " int(px + dx * len * 0.6) "," int(ty - 40 + 30 * dx * dx) " " int(px + dx * len) "," int(ty + 20 + 40 * dx * dx) "\"")
                    }
                }
            }
            F("fill " rgba(30, 30, 38, 1) " rectangle 0," base " " W "," H)
            F("fill " rgba(230, 200, 90, 0.8) " rectangle 0," base + 18 " " W "," base + 20)
        } else if (scene == "field") {
            top = jit(80, 140, 210, 15); bot = jit(230, 240, 235, 8); clouds = 1
            if (ri(0, 1)) sun(r(150, 1050), r(110, 200), 30, "rgba(255,250,225,1)", "rgba(255,240,190,0.5)")
            ridge(r(380, 420), r(14, 28), jit(110, 150, 120, 10), 0)
            ridge(r(450, 480), r(16, 26), jit(95, 150, 70, 12), 0)
            ridge(r(520, 550), r(12, 22), jit(120, 170, 60, 12), 0)
            for (i = 0; i < 14; i++) {   # furrows converging to the horizon
                x2 = W / 2 + (i - 7) * 180
                F("stroke " rgba(70, 110, 40, 0.35) " stroke-width 3 line " int(W / 2 + (i - 7) * 30) ",560 " int(x2) "," H)
            }
            F("stroke none")
            for (i = 0; i < 5; i++) {    # trees on the ridges
                tx = r(40, W - 40); ty = r(430, 520); ts = r(10, 26)
                F("fill " rgba(60, 50, 35, 1) " rectangle " int(tx - 2) "," int(ty) " " int(tx + 2) "," int(ty + ts * 1.3))
                F("fill " rgba(40, 90, 45, 0.95) " circle " int(tx) "," int(ty) " " int(tx + ts) "," int(ty))
            }
        } else if (scene == "desert" || scene == "solar") {
            top = jit(90, 150, 215, 12); bot = jit(250, 225, 185, 8)
            sx = r(150, 1050)
            sun(sx, r(110, 200), 40, "rgba(255,250,230,1)", "rgba(255,230,160,0.6)")
            ridge(r(400, 430), r(10, 25), jit(215, 170, 110, 8), 0)
            ridge(r(470, 500), r(14, 30), jit(228, 185, 120, 8), 0)
            if (scene == "desert") ridge(r(560, 590), r(16, 30), jit(240, 200, 135, 8), 0)
            else {
                F("fill " jit(236, 200, 140, 6) " rectangle 0,520 " W "," H)
                for (row = 0; row < 6; row++) {   # panel rows in perspective
                    y = 500 + row * row * 6 + row * 12; ph = 10 + row * 5; gap = 6 + row * 2
                    for (x = -r(0, 60); x < W; x += 60 + row * 22) {
                        pw = 54 + row * 20
                        F("fill " rgba(25, 50, 100, 1) " polygon " int(x) "," int(y + ph) " " int(x + pw) "," int(y + ph) " " int(x + pw - 6 - row) "," int(y) " " int(x + 6 + row) "," int(y))
                        F("stroke " rgba(160, 190, 230, 0.5) " stroke-width 1 line " int(x + pw / 2) "," int(y) " " int(x + pw / 2) "," int(y + ph))
                        F("stroke none")
                        x += gap - (60 + row * 22) + pw
                    }
                }
            }
        } else if (scene == "stadium") {
            top = jit(10, 20, 45, 6); bot = jit(40, 50, 80, 8)
            sx = int(r(-220, 220)); hy = int(r(390, 440)); cx = 600 + sx   # camera pan and tilt
            F("fill " rgba(28, 30, 40, 1) " polygon 0,140 " W ",140 " W "," hy " 0," hy)
            for (i = 0; i < 2600; i++) {   # the crowd
                x = r(0, W); y = r(150, hy - 10)
                F("fill " rgba(r(60, 255), r(60, 220), r(60, 200), r(0.25, 0.6)) " rectangle " int(x) "," int(y) " " int(x + 3) "," int(y + 3))
            }
            F("fill " jit(150, 70, 55, 10) " rectangle 0," hy " " W "," H)   # the running track
            pitch = jit(40, 130, 60, 8)
            tl = cx - 440; tr = cx + 440; bl = cx - 840; br = cx + 840
            F("fill " pitch " polygon " tl "," hy " " tr "," hy " " br "," H " " bl "," H)
            for (i = 0; i < 8; i += 2) {   # mowing stripes
                x1 = tl + i * 110; x2 = x1 + 110; b1 = bl + i * 210; b2 = b1 + 210
                F("fill " rgba(255, 255, 255, 0.06) " polygon " x1 "," hy " " x2 "," hy " " b2 "," H " " b1 "," H)
            }
            chalk = "stroke " rgba(255, 255, 255, 0.85) " stroke-width 3 fill none "
            F(chalk "polygon " tl "," hy " " tr "," hy " " br "," H " " bl "," H)
            F(chalk "line " cx "," hy " " cx "," H)
            my = int((hy + H) / 2 + 10)
            F(chalk "ellipse " cx "," my " 150," int((H - hy) * 0.21) " 0,360")
            nl = ri(3, 5)
            for (k = 0; k < nl; k++) {   # floodlights
                fx = (k + 0.5) * W / nl + r(-20, 20)
                L("fill " rgba(255, 255, 235, 0.9) " circle " int(fx) ",70 " int(fx + 60) ",70")
                F("fill " rgba(255, 255, 240, 1) " rectangle " int(fx - 40) ",55 " int(fx + 40) ",85")
            }
            glowblur = 40
        } else if (scene == "oldtown") {   # stone houses, domes and arches in warm light
            top = jit(70, 110, 170, 12); bot = jit(250, 210, 160, 10)
            sun(r(150, 1050), r(120, 220), 34, "rgba(255,245,220,1)", "rgba(255,220,160,0.55)")
            base = H - 30
            for (layer = 0; layer < 2; layer++) {
                x = r(-80, 0)
                while (x < W) {
                    hw = r(110, 220); hh = r(150, 300) * (0.6 + layer * 0.35)
                    stone = layer ? jit(215, 180, 135, 10) : jit(190, 165, 135, 8)
                    F("fill " stone " rectangle " int(x) "," int(base - hh) " " int(x + hw) "," base)
                    if (rand() < 0.35) {   # a dome
                        dr = hw * r(0.22, 0.32)
                        F("fill " (rand() < 0.5 ? jit(90, 150, 150, 10) : stone) " ellipse " int(x + hw / 2) "," int(base - hh) " " int(dr) "," int(dr * 0.9) " 180,360")
                    }
                    if (layer) {   # arched windows and a door
                        for (wx = x + 18; wx < x + hw - 40; wx += 46) {
                            wy = base - hh + 30
                            F("fill " rgba(70, 45, 30, 0.85) " roundrectangle " int(wx) "," int(wy) " " int(wx + 22) "," int(wy + 42) " 11,11")
                        }
                        if (rand() < 0.6) F("fill " rgba(95, 60, 35, 1) " roundrectangle " int(x + hw / 2 - 20) "," base - 70 " " int(x + hw / 2 + 20) "," base " 20,20")
                    }
                    x += hw + r(0, 10)
                }
            }
            F("fill " jit(165, 140, 110, 6) " rectangle 0," base " " W "," H)
        } else if (scene == "books") {
            top = jit(90, 60, 45, 10); bot = jit(60, 40, 30, 8)
            for (sh = 0; sh < 4; sh++) {
                y1 = 40 + sh * 160; y2 = y1 + 130; x = 40
                while (x < W - 60) {
                    bw = r(18, 46); bh = r(90, 128)
                    F("fill " rgb(r(60, 220), r(40, 170), r(30, 140)) " rectangle " int(x) "," int(y2 - bh) " " int(x + bw) "," y2)
                    F("fill " rgba(255, 230, 180, 0.5) " rectangle " int(x + 4) "," int(y2 - bh + 14) " " int(x + bw - 4) "," int(y2 - bh + 18))
                    x += bw + r(1, 4)
                    if (rand() < 0.05) x += r(20, 60)
                }
                F("fill " rgba(70, 45, 25, 1) " rectangle 20," y2 " " W - 20 "," y2 + 16)
            }
            L("fill " rgba(255, 210, 140, 0.35) " circle " int(r(300, 900)) ",250 " int(r(300, 900)) ",600")
            glowblur = 90
        } else if (scene == "network") {
            top = jit(10, 25, 60, 8); bot = jit(15, 70, 110, 10); plasma = 1
            n = 46
            for (i = 0; i < n; i++) { nx[i] = r(40, W - 40); ny[i] = r(40, H - 40) }
            for (i = 0; i < n; i++)
                for (j = i + 1; j < n; j++) {
                    d = sqrt((nx[i] - nx[j]) ^ 2 + (ny[i] - ny[j]) ^ 2)
                    if (d < 210) F("stroke " rgba(120, 200, 255, 0.55 * (1 - d / 210)) " stroke-width 2 line " int(nx[i]) "," int(ny[i]) " " int(nx[j]) "," int(ny[j]))
                }
            F("stroke none")
            for (i = 0; i < n; i++) {
                rad = r(3, 8)
                F("fill " rgba(180, 230, 255, 0.95) " circle " int(nx[i]) "," int(ny[i]) " " int(nx[i] + rad) "," int(ny[i]))
                L("fill " rgba(90, 180, 255, 0.8) " circle " int(nx[i]) "," int(ny[i]) " " int(nx[i] + rad * 3) "," int(ny[i]))
            }
            glowblur = 14
        } else {   # abstract: soft colour field with bokeh discs
            t = ri(0, 3)
            if (t == 0) { top = jit(40, 30, 90, 12); bot = jit(220, 90, 110, 15) }
            else if (t == 1) { top = jit(10, 80, 90, 12); bot = jit(120, 200, 170, 15) }
            else if (t == 2) { top = jit(90, 40, 20, 12); bot = jit(240, 190, 90, 15) }
            else { top = jit(20, 40, 80, 12); bot = jit(90, 150, 220, 15) }
            plasma = 1
            for (i = 0; i < 28; i++) {
                cx = r(0, W); cy = r(0, H); rad = r(20, 110)
                L("fill " rgba(255, 255, 255, r(0.08, 0.3)) " circle " int(cx) "," int(cy) " " int(cx + rad) "," int(cy))
            }
            glowblur = 8
        }
        print "top=\"" top "\""
        print "bot=\"" bot "\""
        print "clouds=" clouds
        print "plasma=" plasma
        print "glowblur=" glowblur
    }'
}

draw() { # draw SEED SCENE OUTFILE
    seed=$1 scene=$2 dst=$3
    rm -f "$tmp"/fg.mvg.* "$tmp/glow.mvg"
    top=white bot=white plasma=0 clouds=0 glowblur=30 # assigned by scene_mvg below
    eval "$(scene_mvg "$seed" "$scene")"
    # layer: sky gradient, optional plasma texture or clouds
    set -- -size ${W}x${H} "gradient:$top-$bot"
    if [ "$plasma" = 1 ]; then
        set -- "$@" \( -size 240x135 -seed "$seed" plasma:fractal -blur 0x6 -resize ${W}x${H}! \
            -modulate 100,60 \) -compose soft-light -composite
    fi
    if [ "$clouds" = 1 ]; then
        set -- "$@" \( -size ${W}x${H} xc:white \( -size 200x113 -seed "$seed" plasma:fractal \
            -colorspace gray -blur 0x2 -resize ${W}x${H}! -level 50%,85% \
            \( -size ${W}x${H} gradient:white-black -level 0,70% \) -compose multiply -composite \) \
            -alpha off -compose copy-opacity -composite \) -compose over -composite
    fi
    for chunk in "$tmp"/fg.mvg.*; do
        [ -f "$chunk" ] && set -- "$@" -draw "$(cat "$chunk")"
    done
    if [ -s "$tmp/glow.mvg" ]; then
        set -- "$@" \( -size ${W}x${H} xc:none -draw "$(cat "$tmp/glow.mvg")" -channel RGBA \
            -resize 25% -blur "0x$((glowblur / 4 + 1))" -resize ${W}x${H}! +channel \) -compose screen -composite
    fi
    # soft vignette and a touch of grain so it reads as a photograph
    set -- "$@" \( -size ${W}x${H} radial-gradient:white-black +level 66%,100% \) \
        -compose multiply -composite \
        -seed "$seed" -attenuate 0.25 +noise gaussian \
        -strip -set comment "khabar-demo seed=$seed scene=$scene" -quality 80 \
        -sampling-factor 4:2:0 -interlace plane
    convert "$@" "$dst"
}

n=0
lineno=0
while IFS='	' read -r file seed scene rest || [ -n "${file:-}" ]; do
    lineno=$((lineno + 1))
    case "$file" in '' | '#'*) continue ;; esac
    case "$seed" in
        '' | *[!0-9]*)
            echo "make-photos: $tsv:$lineno: seed must be a number" >&2
            exit 1
            ;;
    esac
    case "$scene" in
        sky | city | sea | field | stadium | desert | solar | abstract | network | books | building | oldtown) ;;
        *)
            echo "make-photos: $tsv:$lineno: unknown scene '$scene'" >&2
            exit 1
            ;;
    esac
    base=$(basename "$file")
    base=${base%.txt}
    photo=$out/$base.jpg
    if [ "$force" = 0 ] && [ -f "$photo" ] &&
        [ "$(identify -format '%c' "$photo" 2>/dev/null)" = "khabar-demo seed=$seed scene=$scene" ]; then
        continue
    fi
    draw "$seed" "$scene" "$tmp/out.jpg"
    mv "$tmp/out.jpg" "$photo"
    n=$((n + 1))
done <"$tsv"
echo "make-photos: $n photo(s) drawn into $out"
